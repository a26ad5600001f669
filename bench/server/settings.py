"""Settings of the wrk comparison's server: the project's own settings (production values as
scripts/bench.sh sets them in the environment), plus the bench app and a URLconf that adds
the two references to the project's URLs. Nothing else differs, so the references pass
through the same middleware, database connection and cache as the project's pages."""

from jiangxuan.settings import *  # noqa: F403
from jiangxuan.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.server.apps.BenchConfig"]
ROOT_URLCONF = "bench.server.urls"
