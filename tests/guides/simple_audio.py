# A program in the style of TensorFlow 2.21's "Simple audio recognition" tutorial (speech
# commands) on a tiny synthetic set of .wav files (tests/test_guides_programs.py runs it).
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf
import keras

layers, models = keras.layers, keras.models

# Three "commands", each a tone of its own pitch with noise, 8 one-half-second clips of each
# at 8 kHz, written as 16-bit WAV files in one folder per command.
data_dir = tempfile.mkdtemp()
rng = np.random.default_rng(0)
t = np.arange(4000) / 8000.0
for command, pitch in [("down", 300.0), ("go", 900.0), ("up", 2000.0)]:
    os.makedirs(os.path.join(data_dir, command))
    for i in range(8):
        length = 3600 + 100 * (i % 4)  # clips of different lengths, as in speech commands
        wave = 0.5 * np.sin(2 * np.pi * pitch * t[:length]) + 0.1 * rng.standard_normal(length)
        wav = tf.audio.encode_wav(wave.astype("float32")[:, None], 8000)
        tf.io.write_file(os.path.join(data_dir, command, f"clip{i}.wav"), wav)

commands = np.array(sorted(os.listdir(data_dir)))
print("Commands:", commands)

train_ds, val_ds = keras.utils.audio_dataset_from_directory(
    directory=data_dir,
    batch_size=4,
    validation_split=0.25,
    seed=0,
    output_sequence_length=4000,
    subset="both")

label_names = np.array(train_ds.class_names)
print()
print("label names:", label_names)


def squeeze(audio, labels):
    audio = tf.squeeze(audio, axis=-1)
    return audio, labels


train_ds = train_ds.map(squeeze, tf.data.AUTOTUNE)
val_ds = val_ds.map(squeeze, tf.data.AUTOTUNE)
print(train_ds.element_spec)

test_ds = val_ds.shard(num_shards=2, index=0)
val_ds = val_ds.shard(num_shards=2, index=1)

for example_audio, example_labels in train_ds.take(1):
    print(example_audio.shape)
    print(example_labels.shape)


def get_spectrogram(waveform):
    # Convert the waveform to a spectrogram via a STFT.
    spectrogram = tf.signal.stft(waveform, frame_length=255, frame_step=128)
    # Obtain the magnitude of the STFT.
    spectrogram = tf.abs(spectrogram)
    # Add a `channels` dimension, so that the spectrogram can be used
    # as image-like input data with convolution layers (which expect
    # shape (`batch_size`, `height`, `width`, `channels`).
    spectrogram = spectrogram[..., tf.newaxis]
    return spectrogram


for i in range(3):
    waveform = example_audio[i]
    spectrogram = get_spectrogram(waveform)
    print("Waveform shape:", waveform.shape)
    print("Spectrogram shape:", spectrogram.shape)

# The same tone's spectrogram peaks at its pitch's frequency bin (8000 Hz / 256 per bin).
tone, _ = tf.audio.decode_wav(tf.io.read_file(os.path.join(data_dir, "go", "clip0.wav")))
peak = tf.argmax(tf.reduce_mean(get_spectrogram(tf.squeeze(tone, -1)), axis=[0, 2]))
print("Peak bin of 'go':", int(peak))


def make_spec_ds(ds):
    return ds.map(
        map_func=lambda audio, label: (get_spectrogram(audio), label),
        num_parallel_calls=tf.data.AUTOTUNE)


train_spectrogram_ds = make_spec_ds(train_ds)
val_spectrogram_ds = make_spec_ds(val_ds)
test_spectrogram_ds = make_spec_ds(test_ds)

for example_spectrograms, example_spect_labels in train_spectrogram_ds.take(1):
    break

train_spectrogram_ds = train_spectrogram_ds.cache().shuffle(10000).prefetch(tf.data.AUTOTUNE)
val_spectrogram_ds = val_spectrogram_ds.cache().prefetch(tf.data.AUTOTUNE)
test_spectrogram_ds = test_spectrogram_ds.cache().prefetch(tf.data.AUTOTUNE)

input_shape = example_spectrograms.shape[1:]
print("Input shape:", input_shape)
num_labels = len(label_names)

# Instantiate the `tf.keras.layers.Normalization` layer.
norm_layer = layers.Normalization()
# Fit the state of the layer to the spectrograms
# with `Normalization.adapt`.
norm_layer.adapt(data=train_spectrogram_ds.map(map_func=lambda spec, label: spec))

model = models.Sequential([
    layers.Input(shape=input_shape),
    # Downsample the input.
    layers.Resizing(16, 16),
    # Normalize.
    norm_layer,
    layers.Conv2D(8, 3, activation="relu"),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Dropout(0.25),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(num_labels),
])
for layer in model.layers:
    print(layer.name.split("_")[0], layer.output.shape)
print("Parameters:", model.count_params())

model.compile(
    optimizer=keras.optimizers.Adam(),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)

EPOCHS = 2
history = model.fit(
    train_spectrogram_ds,
    validation_data=val_spectrogram_ds,
    epochs=EPOCHS,
    verbose=0,
)
metrics = history.history
print(sorted(metrics), [len(v) for v in metrics.values()])

result = model.evaluate(test_spectrogram_ds, return_dict=True, verbose=0)
print(sorted(result))
y_pred = model.predict(test_spectrogram_ds, verbose=0)
y_pred = tf.argmax(y_pred, axis=1)
y_true = tf.concat(list(test_spectrogram_ds.map(lambda s, lab: lab)), axis=0)
print(y_pred.shape, y_true.shape, y_true.dtype)

shutil.rmtree(data_dir)
