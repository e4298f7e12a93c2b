"""The real Glance and Keystone fixtures for the cloud tests."""

from tests.cloud.glance import glance  # noqa: F401 - a fixture, found by name
from tests.cloud.keystone import keystone_cloud  # noqa: F401 - a fixture, found by name
