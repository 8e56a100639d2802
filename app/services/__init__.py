"""The domain: rules, workflows and queries. Plain Python, no Qt. Takes a Session."""

# Every write goes through a service, so loading the package is where the audit trail's
# flush listener is registered.
from app.services import audit as _audit  # noqa: F401
