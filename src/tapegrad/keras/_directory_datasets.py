"""`keras.utils.image_dataset_from_directory`, `text_dataset_from_directory` and
`audio_dataset_from_directory`: a tf.data
pipeline over a folder with one subfolder per class, as Keras builds it (the same file
order, shuffling seed, splits and label encodings)."""

import os

import numpy as np

__all__ = ["audio_dataset_from_directory", "image_dataset_from_directory",
           "text_dataset_from_directory", "resize_image"]

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def _check_split(validation_split, subset):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")


def _valid_files(directory, follow_links, formats):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda x: x[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield root, name


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """(file paths, labels, class names) as Keras indexes a folder: classes are the sorted
    subfolders, files sorted within each, then shuffled with NumPy's RandomState(seed)."""
    if not os.path.isdir(directory):
        raise ValueError(f"The directory {directory!r} does not exist")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names) <= set(subdirs):
                raise ValueError("The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs} "
                                 f"(or a subset of it), but received: class_names={class_names}")
            subdirs = list(class_names)
    else:
        subdirs = [""]
        if class_names is not None:
            raise ValueError("When `labels` is given or None, argument `class_names` cannot be "
                             "specified.")
    filenames, found = [], []
    for index, subdir in enumerate(subdirs):
        top = os.path.join(directory, subdir)
        for root, name in _valid_files(top, follow_links, formats):
            filenames.append(os.path.join(subdir, os.path.relpath(os.path.join(root, name),
                                                                  top)))
            found.append(index)
    if labels == "inferred":
        labels, names = np.array(found, dtype="int32"), subdirs
    elif labels is None:
        names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files in "
                             f"the target directory. len(labels) is {len(labels)} while we "
                             f"found {len(filenames)} files in directory {directory}.")
        names = [str(label) for label in sorted(set(labels))]
    if verbose:
        print(f"Found {len(filenames)} files." if labels is None else
              f"Found {len(filenames)} files belonging to {len(names)} classes.")
    paths = [os.path.join(directory, f) for f in filenames]
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            labels = np.array(labels)
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, names


def _subset(samples, labels, validation_split, subset):
    if not validation_split:
        return samples, labels
    n = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - n} files for training.")
        return samples[:-n], None if labels is None else labels[:-n]
    print(f"Using {n} files for validation.")
    return samples[-n:], None if labels is None else labels[-n:]


def _labels_dataset(labels, label_mode, num_classes):
    import tapegrad as tf

    labels = np.asarray(labels)
    if label_mode == "binary":
        return tf.data.Dataset.from_tensor_slices(labels.astype(np.float32)[:, None])
    if label_mode == "categorical":
        return tf.data.Dataset.from_tensor_slices(
            (labels[:, None] == np.arange(num_classes)).astype(np.float32))
    return tf.data.Dataset.from_tensor_slices(labels.astype(np.int32))


def _pipeline(paths, labels, label_mode, num_classes, load, shuffle, seed, batch_size, batch):
    import tapegrad as tf

    ds = tf.data.Dataset.from_tensor_slices(np.array([p.encode() for p in paths], dtype=object))
    if label_mode:
        ds = tf.data.Dataset.zip((ds, _labels_dataset(labels, label_mode, num_classes)))
    if shuffle:
        ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    if label_mode:
        ds = ds.map(lambda x, y: (load(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size is not None:
        ds = batch(ds, batch_size)
    return ds.prefetch(tf.data.AUTOTUNE)


def _batch(ds, batch_size):
    return ds.batch(batch_size)


def _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                    validation_split, subset, follow_links, verbose, formats, load, what,
                    batch=_batch):
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(f"`labels` argument should be a list/tuple of integer labels, of the "
                         f"same size as the number of {what} files in the target directory, "
                         f'"inferred" or None. Received: labels={labels}')
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels = label_mode = None
    _check_split(validation_split, subset)
    seed = np.random.randint(1e6) if seed is None else seed
    paths, labels, names = index_directory(directory, labels, formats, class_names, shuffle,
                                           seed, follow_links, verbose)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={names}")
    num_classes = len(names) if names else 0
    parts = ["training", "validation"] if subset == "both" else [subset]
    out = []
    for part in parts:
        p, lab = _subset(paths, labels, validation_split, part)
        if not p:
            raise ValueError(f"No {what} files found in directory {directory}. Allowed formats: "
                             f"{formats}")
        ds = _pipeline(p, lab, label_mode, num_classes, load,  # Keras: "both" keeps order
                       shuffle and not (subset == "both" and part == "validation"), seed,
                       batch_size, batch)
        ds.class_names, ds.file_paths = names, p
        out.append(ds)
    return out if subset == "both" else out[0]


# -- images --------------------------------------------------------------------------------

def resize_image(image, size, interpolation="bilinear"):
    """`tf.image.resize` of a (height, width, channels) array, as an array: "bilinear"
    (float32 result) or "nearest" (the input dtype)."""
    import tapegrad as tf

    return tf.image.resize(image, size, method=interpolation).numpy()


def _crop_to_aspect(image, size):
    """Keras's smart_resize crop: the centered largest box with the target's aspect ratio."""
    height, width = image.shape[:2]
    th, tw = size
    crop_h = max(min(height, int(float(width * th) / tw)), 1)
    crop_w = max(min(width, int(float(height * tw) / th)), 1)
    top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
    return image[top:top + crop_h, left:left + crop_w]


def _resize_with_pad(image, size, interpolation):
    """tf.image.resize_with_pad: fit inside `size` keeping the aspect ratio, pad with zeros."""
    f32 = np.float32
    height, width = f32(image.shape[0]), f32(image.shape[1])
    th, tw = f32(size[0]), f32(size[1])
    ratio = max(width / tw, height / th)
    rh, rw = int(np.floor(height / ratio)), int(np.floor(width / ratio))
    ph, pw = max(0, int((th - f32(rh)) / f32(2))), max(0, int((tw - f32(rw)) / f32(2)))
    resized = resize_image(image, (rh, rw), interpolation)
    out = np.zeros((int(th), int(tw), image.shape[2]), dtype=resized.dtype)
    out[ph:ph + rh, pw:pw + rw] = resized
    return out


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """A dataset of (images, labels) batches from `directory/<class name>/<image file>`.

    Images (PNG decoded by tapegrad; JPEG, GIF and BMP need Pillow) are resized to
    `image_size` as float32 (bilinear) and batched; labels are int32 class indices
    ("int"), one-hot float32 rows ("categorical") or float32 0/1 ("binary"). The dataset has
    `class_names` and `file_paths` attributes. `subset="both"` with `validation_split`
    returns (training, validation).
    """
    import tapegrad as tf

    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. Received: '
                         f"color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    interpolation = interpolation.lower()
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"interpolation {interpolation!r} is not available in tapegrad; use "
                         "'bilinear' or 'nearest'")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set "
                         "to `True`.")
    channels_first = data_format == "channels_first"

    def load(path):
        image = tf.io.decode_image(tf.io.read_file(path), channels=channels).numpy()
        if crop_to_aspect_ratio:
            image = resize_image(_crop_to_aspect(image, image_size), image_size, interpolation)
        elif pad_to_aspect_ratio:
            image = _resize_with_pad(image, image_size, interpolation)
        else:
            image = resize_image(image, image_size, interpolation)
        return tf.constant(np.transpose(image, (2, 0, 1)) if channels_first else image)

    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle,
                           seed, validation_split, subset, follow_links, verbose,
                           IMAGE_FORMATS, load, "image")


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A dataset of (texts, labels) batches from `directory/<class name>/<file>.txt`: each
    text a string scalar (its first `max_length` bytes when given), labels as
    `image_dataset_from_directory`'s."""
    import tapegrad as tf

    def load(path):
        text = tf.io.read_file(path)
        return tf.strings.substr(text, 0, max_length) if max_length is not None else text

    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle,
                           seed, validation_split, subset, follow_links, verbose, (".txt",),
                           load, "text")


# -- audio ---------------------------------------------------------------------------------

def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size=32, sampling_rate=None,
                                 output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None,
                                 follow_links=False, verbose=True):
    """A dataset of (audio, labels) batches from `directory/<class name>/<file>.wav`.

    Each file is decoded by `tf.audio.decode_wav` to float32 `[samples, channels]`.
    Batches are zero-padded to their longest file; with `output_sequence_length` every file
    is cropped or zero-padded to that length first. Labels are as `image_dataset_from_directory`'s. The dataset has
    `class_names` (and `file_paths`); `subset="both"` with `validation_split` returns
    (training, validation).

    Args:
      directory: The folder with one subfolder of .wav files per class (labels="inferred").
      labels: "inferred", None, or a list of integer labels in the files' sorted order.
      label_mode: "int", "categorical", "binary" or None.
      class_names: The subfolders to use, in label order (with labels="inferred").
      batch_size: The batch size, or None for single elements.
      sampling_rate: Resampling is not available in tapegrad (Keras uses tensorflow_io).
      output_sequence_length: The samples every file is cropped or padded to.
      ragged: Whether to batch into RaggedTensors: not available in tapegrad yet.
      shuffle: Whether to shuffle the files (the validation part of subset="both" keeps order).
      seed: The shuffling and splitting seed.
      validation_split: The fraction of files kept for validation.
      subset: "training", "validation" or "both" (with `validation_split`).
      follow_links: Whether to follow symbolic links to subfolders.
      verbose: Whether to print the counts of files and classes found.

    Returns:
      A `tf.data.Dataset`, or a (training, validation) pair for subset="both".
    """
    import tapegrad as tf

    if labels not in ("inferred", None) and isinstance(labels, (list, tuple)) and class_names:
        raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: '
                         f"labels={labels}, and class_names={class_names}")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if ragged:
        raise NotImplementedError(
            "audio_dataset_from_directory: ragged=True is not available in tapegrad (its "
            "tf.data batches no RaggedTensors yet); use the default zero-padded batches (each "
            "batch padded to its longest file) or output_sequence_length")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: "
                             f"sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: "
                             f"sampling_rate={sampling_rate}")
        raise ImportError(f"audio_dataset_from_directory: sampling_rate={sampling_rate} needs "
                          "resampling, which Keras does with tensorflow_io and tapegrad does "
                          "not have; resample the files beforehand and pass sampling_rate=None")
    samples = -1 if output_sequence_length is None else output_sequence_length

    def load(path):
        return tf.audio.decode_wav(tf.io.read_file(path), desired_samples=samples)[0]

    def batch(ds, size):  # Keras: files of different lengths are padded to each batch's longest
        return ds.padded_batch(size) if output_sequence_length is None else ds.batch(size)

    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle,
                           seed, validation_split, subset, follow_links, verbose, (".wav",),
                           load, "audio", batch)
