/* The compendium's one-line embed: partner pages include
 *   <script src="https://SITE/static/publishing/embed.js" data-compendium-embed
 *           data-lang="fr" data-query="area=ecommerce&economy=KEN" async></script>
 * and this script puts the widget's iframe right after the tag. It sends nothing anywhere, sets
 * no cookie and reads nothing from the partner's page but the tag's own data attributes. */
(function () {
  "use strict";
  var LANGUAGES = { en: "", fr: "/fr", es: "/es" };

  function frameFor(tag) {
    var origin = new URL(tag.src, document.baseURI).origin;
    var language = tag.getAttribute("data-lang") || "en";
    var prefix = Object.prototype.hasOwnProperty.call(LANGUAGES, language) ? LANGUAGES[language] : "";
    var query = (tag.getAttribute("data-query") || "").replace(/^\?/, "");
    var height = parseInt(tag.getAttribute("data-height") || "480", 10);
    var frame = document.createElement("iframe");
    frame.src = origin + prefix + "/embed/entries/" + (query ? "?" + query : "");
    frame.title = tag.getAttribute("data-title") || "Compendium entries";
    frame.width = "100%";
    frame.height = String(height > 0 ? Math.min(height, 2000) : 480);
    frame.loading = "lazy";
    frame.referrerPolicy = "no-referrer";
    frame.style.border = "0";
    frame.className = "compendium-embed";
    return frame;
  }

  var tags = document.querySelectorAll("script[data-compendium-embed]");
  for (var i = 0; i < tags.length; i += 1) {
    var tag = tags[i];
    if (tag.hasAttribute("data-compendium-done")) {
      continue;
    }
    tag.setAttribute("data-compendium-done", "");
    tag.parentNode.insertBefore(frameFor(tag), tag.nextSibling);
  }
})();
