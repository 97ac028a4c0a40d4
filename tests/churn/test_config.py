import pytest

from churn.config import Config, ConfigError, GateConfig, ModelConfig, load_config


def test_defaults_describe_a_complete_run():
    config = Config()
    assert config.model == ModelConfig()
    assert config.gate == GateConfig()


def test_to_params_flattens_nested_settings():
    params = Config(seed=3).to_params()
    assert params["seed"] == 3
    assert params["model.max_iter"] == ModelConfig().max_iter
    assert params["gate.slice_column"] == "contract"


def test_load_config_overrides_only_what_the_file_names(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("seed = 11\n[model]\nlearning_rate = 1\n[gate]\nmin_auc = 0.8\n")
    config = load_config(path)
    assert config.seed == 11
    assert config.model.learning_rate == 1.0
    assert isinstance(config.model.learning_rate, float)
    assert config.model.max_iter == ModelConfig().max_iter
    assert config.gate.min_auc == 0.8


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("sede = 1\n", "unknown setting 'sede'"),
        ("[model]\nmax_iters = 10\n", "unknown setting 'model.max_iters'"),
        ('seed = "seven"\n', "seed must be int, got 'seven'"),
        ("seed = true\n", "seed must be int, got True"),
        ("[model]\nmax_iter = 1.5\n", "model.max_iter must be int, got 1.5"),
        ("model = 3\n", "model must be a table, got 3"),
    ],
)
def test_load_config_names_the_bad_setting(tmp_path, toml, message):
    path = tmp_path / "run.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
