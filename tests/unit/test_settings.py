from pathlib import Path

from app.settings import Settings, SettingsStore


def test_defaults_when_there_is_no_file(tmp_path: Path) -> None:
    settings, problem = SettingsStore(tmp_path).load()
    assert settings == Settings() and problem is None


def test_saved_settings_come_back(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings(parallel_pulls=5, theme="dark", notify_pulls=False))
    settings, problem = store.load()
    assert problem is None
    assert (settings.parallel_pulls, settings.theme, settings.notify_pulls) == (5, "dark", False)
    assert not list(tmp_path.glob(".settings.json.*"))  # no temporary file left behind


def test_a_corrupt_file_is_kept_aside_and_reported(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text("{ this is not json", encoding="utf-8")
    settings, problem = store.load()
    assert settings == Settings()
    assert problem is not None and problem.kept_at is not None
    assert problem.kept_at.read_text(encoding="utf-8") == "{ this is not json"
    assert "could not be used" in problem.message and str(problem.kept_at) in problem.message
    assert not store.path.exists()


def test_values_out_of_range_are_refused_by_name(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    for text, word in (('{"parallel_pulls": 0}', "parallel_pulls"), ('{"theme": "purple"}', "theme"),
                       ('{"notify_pulls": "yes"}', "notify_pulls"), ('[1, 2]', "object")):
        store.path.write_text(text, encoding="utf-8")
        settings, problem = store.load()
        assert settings == Settings()
        assert problem is not None and word in problem.message, text


def test_unknown_keys_from_a_newer_version_are_ignored(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text('{"parallel_pulls": 2, "future_setting": true}', encoding="utf-8")
    settings, problem = store.load()
    assert problem is None and settings.parallel_pulls == 2
