"""The load `make load` puts on `make serve`: 100 public visitors browsing and searching and 50
focal points saving survey drafts, with human think times.

Run by loadtest/run.py, which starts the server, seeds the data and writes LOAD_SEED (a JSON file
with the focal points' personal links and the published entries' slugs); each focal point's
acknowledged saves are written to LOAD_SAVES when locust quits (every user stopped), so lost
writes can be checked against the database afterwards."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, between, events, task

SEED = json.loads(open(os.environ["LOAD_SEED"]).read())  # noqa: SIM115
VERSION = re.compile(r'name="version" id="version" value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORDS = [
    "women",
    "digital skills",
    "e-commerce",
    '"mobile money"',
    "finance -bank",
    "export OR trade",
    "entrepreneurs",
    "cybersecurity",
    "formation numérique",
    "comercio electrónico",
    "training",
    "platform",
]
FACETS = {
    "area": ["ecommerce", "access_to_finance", "digital_skills_education", "export_support"],
    "group": ["women_entrepreneurs", "women_led_msmes", "rural_women"],
    "instrument": ["programme", "policy_or_strategy", "training_or_capacity_building"],
    "gender": ["women_specific", "gender_mainstreamed"],
}
SAVED: dict[int, list[str]] = {}  # focal point number -> values the server acknowledged
_numbers = itertools.count()


def search_query() -> str:
    params: list[tuple[str, str]] = []
    if random.random() < 0.8:
        params.append(("q", random.choice(WORDS)))
    for facet in random.sample(list(FACETS), k=random.randint(0, 2)):
        params.append((facet, random.choice(FACETS[facet])))
    if (economies := SEED["economies"]) and random.random() < 0.3:
        params.append(("economy", random.choice(economies)))
    return urlencode(params)


class PublicVisitor(HttpUser):
    """Someone reading the public site and calling the API."""

    fixed_count = 100
    wait_time = between(2, 6)

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(5)
    def search(self) -> None:
        self.client.get(f"/search/?{search_query()}", name="search")

    @task(4)
    def entry(self) -> None:
        self.client.get(f"/entries/{random.choice(SEED['slugs'])}/", name="entry")

    @task(2)
    def api_entries(self) -> None:
        self.client.get(f"/api/v1/entries?{search_query()}", name="api entries")

    @task(1)
    def economy(self) -> None:
        code = random.choice(SEED["economies"] or ["KEN"])
        self.client.get(f"/economies/{code}/", name="economy")


class FocalPoint(HttpUser):
    """A focal point in the survey workspace whose answers are saved as drafts as they type
    (the autosave endpoint the page's htmx calls), each save carrying the version the last one
    returned, as the browser does."""

    fixed_count = 50
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.saves = SAVED.setdefault(self.number, [])
        link = SEED["links"][self.number % len(SEED["links"])]
        # Not followed: the redirect would go out before the Secure cookies are made plain.
        self.client.get(urlsplit(link).path, name="survey open link", allow_redirects=False)
        self._plain_http_cookies()
        page = self.client.get("/survey/section/respondent/", name="survey section")
        self._plain_http_cookies()  # the CSRF cookie is set here
        version, token = VERSION.search(page.text), CSRF_INPUT.search(page.text)
        if not version or not token:
            raise RuntimeError(f"survey section answered {page.status_code} without a form")
        self.version, self.csrf = int(version.group(1)), token.group(1)

    def _plain_http_cookies(self) -> None:
        # Production cookies are Secure; the load runs over plain HTTP on the loopback, where a
        # TLS-terminating proxy would normally sit, so send them anyway.
        for cookie in self.client.cookies:
            cookie.secure = False

    @task
    def save_draft(self) -> None:
        value = f"Focal point {self.number} save {len(self.saves)}"
        body = {
            "csrfmiddlewaretoken": self.csrf,
            "version": self.version,
            "contact_name": value,
            "contact_institution": f"Ministry {self.number}",
        }
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf}
        with self.client.post(
            "/survey/section/respondent/autosave/",
            data=body,
            headers=headers,
            name="survey save draft",
            catch_response=True,
        ) as answer:
            version = VERSION.search(answer.text)
            if answer.status_code != 200 or version is None:
                answer.failure(f"save answered {answer.status_code}")
                return
            self.version = int(version.group(1))
            self.saves.append(value)


@events.quitting.add_listener
def _write_saves(**_kwargs: object) -> None:
    with open(os.environ["LOAD_SAVES"], "w") as out:
        json.dump(SAVED, out)
