from app import humanize


def test_sizes_read_like_the_docker_cli() -> None:
    assert humanize.size(0) == "0 B"
    assert humanize.size(999) == "999 B"
    assert humanize.size(1_000) == "1 kB"
    assert humanize.size(1_980_000) == "1.98 MB"
    assert humanize.size(523_000_000) == "523 MB"
    assert humanize.size(5 * 10**15) == "5000 TB"
    assert humanize.size(-1) == "—"


def test_ages() -> None:
    assert humanize.ago(0) == "—"
    assert humanize.ago(100, now=105) == "just now"
    assert humanize.ago(100, now=145) == "45 seconds ago"
    assert humanize.ago(100, now=100 + 3600) == "1 hour ago"
    assert humanize.ago(100, now=100 + 3 * 86_400) == "3 days ago"


def test_images_made_from_bare_ids_stay_short() -> None:
    assert humanize.short_image("sha256:" + "a" * 64) == "a" * 12
    assert humanize.short_image("eris/base:latest") == "eris/base:latest"
