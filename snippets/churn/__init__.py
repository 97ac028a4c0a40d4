"""churn: the guide's reference ML system, a customer-churn model run as a service.

One module per responsibility, so you find each concern by its file name:

- `config`: every setting of a training run, as code, loadable from TOML.
- `fields`: the record's field names, categories and ID pattern, shared by both schemas.
- `data`: deterministic synthetic data (with drift on demand), its contract, its hash.
- `features`: the preprocessing both training and serving apply.
- `train`: the scikit-learn pipeline and a seeded training run.
- `artifacts`: saving and loading models safely (skops, trusted types, hash check).
- `evaluate`: metrics overall and per data slice, and the promotion gate.
- `pipeline`: the training pipeline: validate, train, evaluate, gate, register.
- `orchestrate`: the same steps as a Dagster job: schedule, sensors, retries, backfill.
- `registry`: MLflow tracking and model registry, in a folder or on a tracking server.
- `tracking_server`: the champion, read from an MLflow tracking server over HTTP.
- `published`: the champion as the registry publishes it for the service to read.
- `serve`: the FastAPI service.
- `export`: the ONNX export made at registration, proven against the pipeline.
- `runtime`: scoring at serving time, through ONNX Runtime or the pipeline.
- `microbatch`: concurrent requests scored together in one model call.
- `batch`: scoring many rows with pandas or Dask.
- `monitor`: data drift, prediction drift and data quality on served traffic.
- `cli`: one command with a subcommand for each step.
"""
