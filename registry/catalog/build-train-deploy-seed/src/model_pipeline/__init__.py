"""The project's SageMaker pipeline (see README.md)."""
