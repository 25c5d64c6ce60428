"""Model runtime: onnxruntime sessions, device choice and the verified model registry."""
