"""The enums that templates show by value, registered by the apps that own them.

``{{ value|label_of:"signer" }}`` and ``{% status_badge value "rule_status" %}`` (the
``jx`` template tags) turn a stored value into its translated label and a badge tone.
The enums belong to apps above core (campaigns, nominations), which register them here
in their ``AppConfig.ready``; so core's tags read them without importing those apps
(docs/architecture.md, "The app order").
"""

from collections.abc import Mapping

from django.db.models import Choices

_VOCABULARIES: dict[str, type[Choices]] = {}
_TONES: dict[str, str] = {}


def register_vocabulary(
    name: str, choices: type[Choices], *, tones: Mapping[str, str] | None = None
) -> None:
    """Make ``choices`` known to templates as ``name``; ``tones`` gives the badge tone
    (``ok``, ``bad``, ``warn``, ``info``, ``muted``) of some of its values."""
    _VOCABULARIES[name] = choices
    _TONES.update(tones or {})


def vocabulary(name: str) -> type[Choices]:
    """The enum registered as ``name``. Raises KeyError for a name no app registered."""
    return _VOCABULARIES[name]


def badge_tone(value: str) -> str:
    """The badge tone of a value of any registered enum; ``muted`` when none is set."""
    return _TONES.get(value, "muted")
