"""tapegrad: TensorFlow 2 GradientTape semantics on NumPy."""
