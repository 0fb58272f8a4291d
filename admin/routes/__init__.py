"""The admin app's routers, one per area."""
