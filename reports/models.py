from __future__ import annotations

# Impact snapshots and the social-value model arrive with the statistics issue.
