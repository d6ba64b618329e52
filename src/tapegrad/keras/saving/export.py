"""`Model.export`: a serving endpoint for a Keras model in a SavedModel directory, as Keras 3's
`export(format="tf_saved_model")` writes it (via `tf.saved_model`)."""

import tapegrad as tf

__all__ = ["default_save_signature", "export_model"]


class _ExportArchive(tf.Module):
    """What `tf.saved_model.load` gives back: `serve`, and the model's variables as lists
    (Keras 3's ExportArchive tracks them as plain attributes, not Module properties)."""

    variables = trainable_variables = non_trainable_variables = None


def _spec(keras_tensor):
    return tf.TensorSpec(keras_tensor.shape, keras_tensor.dtype, name=keras_tensor.name)


def _input_signature(model, spec=_spec):
    """The model's inputs as TensorSpecs, in their structure (a list or dict of inputs), as
    Keras 3 makes them for a functional or Sequential model; None for a subclassed one."""
    structure = getattr(model, "_inputs_struct", None)
    if structure is not None:
        return [tf.nest.map_structure(spec, structure)]
    input_layer = getattr(model, "_input_layer", None)
    if input_layer is not None:
        return [spec(input_layer.output)]
    return None


def default_save_signature(model):
    """The serving function `tf.saved_model.save(model, path)` saves as "serving_default" when
    given no signatures, as Keras 3 on TensorFlow does: `model(inputs)` for the model's inputs
    (unnamed specs, so the signature's key is `inputs`); None if they are not known."""
    if not model.built:
        return None
    signature = _input_signature(
        model, lambda t: tf.TensorSpec(t.shape, t.dtype))
    if signature is None:
        return None

    def serving_default(inputs):
        return model(inputs)

    return tf.function(serving_default, input_signature=signature)


def export_model(model, filepath, format="tf_saved_model", verbose=True, input_signature=None,
                 **kwargs):
    """Writes `model`'s inference function as endpoint `serve` (and signature
    `serving_default`) with its variables; `tf.saved_model.load(filepath).serve(x)` equals
    `model(x, training=False)`."""
    if format != "tf_saved_model":
        raise ValueError(f"Model.export: format {format!r} is not supported; tapegrad writes "
                         "format='tf_saved_model' (in tapegrad's own SavedModel layout).")
    if kwargs:
        raise ValueError(f"Model.export: unexpected arguments {sorted(kwargs)}")
    if not model.built:
        raise ValueError("The model provided has not yet been built. It must be built before "
                         "export.")
    if input_signature is None:
        input_signature = _input_signature(model)
    if input_signature is None:
        raise ValueError(
            f"Model.export: cannot tell the inputs of model '{model.name}' (a subclassed "
            "model); pass input_signature=[tf.TensorSpec(shape=(None, ...), dtype=...)]."
        )

    def serve(*args):
        return model(*args, training=False)

    archive = _ExportArchive(name="export_archive")
    archive.serve = tf.function(serve, input_signature=list(input_signature))
    archive.variables = list(model.variables)
    archive.trainable_variables = list(model.trainable_variables)
    archive.non_trainable_variables = list(model.non_trainable_variables)
    tf.saved_model.save(archive, filepath,
                        signatures={"serve": archive.serve, "serving_default": archive.serve})
    if verbose:
        specs = ", ".join(repr(s) for s in input_signature)
        print(f"Saved artifact at '{filepath}'. The following endpoints are available:\n\n"
              f"* Endpoint 'serve'\n  args_0 (POSITIONAL_ONLY): {specs}")
