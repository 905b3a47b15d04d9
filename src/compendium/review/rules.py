"""Who may do what, as `rules` predicates (checked on every object, not only by hiding links)."""

import rules

from .models import SECRETARIAT_GROUP


@rules.predicate
def is_secretariat(user) -> bool:
    return bool(
        user and user.is_authenticated and user.groups.filter(name=SECRETARIAT_GROUP).exists()
    )


@rules.predicate
def is_focal_point(user) -> bool:
    return bool(user and user.is_authenticated and user.focal_points.exists())


rules.add_perm("catalog.view_any_entry", is_secretariat)
