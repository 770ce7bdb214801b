"""Server processes settle their heap once loaded: start-up objects frozen, young collections rarer."""

import gc
import weakref

import pytest

from csplatform.heap import YOUNG_THRESHOLD, heap_settle


@pytest.fixture
def collector_restored():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


class Node:
    pass


def test_start_up_objects_are_frozen_and_young_threshold_raised(collector_restored):
    gc.unfreeze()
    heap_settle()
    assert gc.get_freeze_count() > 10_000  # Django and the project's modules, at least
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD


def test_cycles_made_after_settling_are_still_collected(collector_restored):
    heap_settle()
    node = Node()
    node.itself = node
    gone = weakref.ref(node)
    del node
    gc.collect()
    assert gone() is None
