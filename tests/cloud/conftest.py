"""The real Glance fixture for the cloud tests."""

from tests.cloud.glance import glance  # noqa: F401 - a fixture, found by name
