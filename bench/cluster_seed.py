"""Prepare the database of ``make cluster-test`` (scripts/cluster-test.sh).

    .venv/bin/python bench/cluster_seed.py OUT.json PASSWORD [CLERKS] [CANDIDATES]

First bench/seed.py's campaign (seed 003 with approved candidates, the social notice and
an open public vote), then the upload scenario's clerks: CLERKS accounts (default 8) plus
one witness (the session check), each a clerk of one of bench/seed.py's clerk units with
the password PASSWORD, each with one draft nomination of its own made through the service
a clerk uses (nominations.services.create_nomination), to which the load uploads evidence.
Only the accounts are created directly, as bench/seed.py and the demo do.

Writes OUT.json: bench/seed.py's keys, plus "clerks": [{"username", "nomination"}] and
"witness": {"username", "nomination"}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.accounts.selectors import jurisdiction_of
from jiangxuan.campaigns.models import Campaign
from jiangxuan.nominations import services as nominations


def clerks(campaign: Campaign, count: int, password: str) -> list[dict]:
    """``count`` clerks with one draft nomination each, spread over seed.CLERK_UNITS."""
    award = campaign.awards.order_by("position").first()
    made = []
    for i in range(count):
        unit = OrgUnit.objects.get(code=seed.CLERK_UNITS[i % len(seed.CLERK_UNITS)])
        scope = jurisdiction_of(unit)
        workplace = (
            OrgUnit.objects.filter(path__startswith=scope.path, level="workplace")
            .order_by("path")
            .first()
        )
        name = "cluster_witness" if i == count - 1 else f"cluster_clerk{i + 1}"
        user = seed.account(name, unit, Role.CLERK)
        user.set_password(password)
        user.save(update_fields=["password"])
        nomination = nominations.create_nomination(
            campaign=campaign, award=award, actor=user, workplace=workplace
        )
        made.append({"username": name, "nomination": nomination.pk})
    return made


def main(out: Path, password: str, count: int, candidates: int) -> None:
    seed.main(out, candidates)
    result = json.loads(out.read_text("utf-8"))
    campaign = Campaign.objects.get(code=result["campaign"])
    made = clerks(campaign, count + 1, password)
    result.update(clerks=made[:-1], witness=made[-1])
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    print(f"cluster seed: {count} clerks and a witness, one draft nomination each")


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        sys.argv[2],
        int(sys.argv[3]) if len(sys.argv) > 3 else 8,
        int(sys.argv[4]) if len(sys.argv) > 4 else 6,
    )
