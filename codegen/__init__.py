"""The code generator: spec/suprsend.yaml -> IR -> src/suprsend_typed/_generated/ (``python -m codegen``)."""
