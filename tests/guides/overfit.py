# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

def fixed(shape, seed):
    n = int(np.prod(shape))
    return (np.sin(np.arange(1, n + 1) * (0.7 + 0.1 * seed) + seed) * 0.3).reshape(shape).astype("float32")

def set_fixed(model):
    model.set_weights([fixed(w.shape, i) for i, w in enumerate(model.get_weights())])

FEATURES = 6
rng = np.random.default_rng(3)
X = rng.normal(size=(400, FEATURES)).astype("float32")
Y = ((X[:, 0] * X[:, 1] + np.sin(3 * X[:, 2]) + 0.3 * rng.normal(size=400)) > 0).astype("float32").reshape(-1, 1)
N_TRAIN, BATCH_SIZE = 320, 40
STEPS_PER_EPOCH = N_TRAIN // BATCH_SIZE
train_ds = tf.data.Dataset.from_tensor_slices((X[:N_TRAIN], Y[:N_TRAIN])).cache().batch(BATCH_SIZE)
validate_ds = tf.data.Dataset.from_tensor_slices((X[N_TRAIN:], Y[N_TRAIN:])).batch(BATCH_SIZE)
print(train_ds.element_spec[0].shape, len(list(train_ds)))

lr_schedule = keras.optimizers.schedules.InverseTimeDecay(
    0.01, decay_steps=STEPS_PER_EPOCH * 5, decay_rate=1, staircase=False)
print([round(float(lr_schedule(s)), 6) for s in (0, 40, 80, 400)])
stair = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=10, decay_rate=0.5, staircase=True)
print([round(float(stair(s)), 6) for s in (0, 9, 10, 25)])
print(lr_schedule.get_config())

def get_optimizer():
    return keras.optimizers.Adam(lr_schedule)

def get_callbacks(name):
    return [keras.callbacks.EarlyStopping(monitor="val_binary_crossentropy", patience=3,
                                          restore_best_weights=True)]

def compile_and_fit(model, name, optimizer=None, max_epochs=30):
    if optimizer is None:
        optimizer = get_optimizer()
    model.compile(optimizer=optimizer,
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryCrossentropy(from_logits=True, name="binary_crossentropy"),
                           "accuracy"])
    history = model.fit(train_ds, steps_per_epoch=STEPS_PER_EPOCH, epochs=max_epochs,
                        validation_data=validate_ds, callbacks=get_callbacks(name), verbose=0)
    return history

def show(name, model, history):
    h = history.history
    print(name, len(history.epoch), sorted(h))
    print("  loss", [round(v, 4) for v in h["loss"]][-4:])
    print("  val ", [round(v, 4) for v in h["val_binary_crossentropy"]][-4:])
    print("  best", round(min(h["val_binary_crossentropy"]), 4),
          round(float(model.evaluate(validate_ds, verbose=0, return_dict=True)["binary_crossentropy"]), 4))
    print("  lr", round(float(model.optimizer.learning_rate), 6), int(model.optimizer.iterations))

tiny_model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(16, activation="elu"), keras.layers.Dense(1)])
set_fixed(tiny_model)
show("tiny", tiny_model, compile_and_fit(tiny_model, "sizes/Tiny"))

large_model = keras.Sequential([keras.Input((FEATURES,)),
    keras.layers.Dense(64, activation="elu"), keras.layers.Dense(64, activation="elu"),
    keras.layers.Dense(64, activation="elu"), keras.layers.Dense(1)])
set_fixed(large_model)
show("large", large_model, compile_and_fit(large_model, "sizes/large"))

l2_model = keras.Sequential([keras.Input((FEATURES,)),
    keras.layers.Dense(64, activation="elu", kernel_regularizer=keras.regularizers.l2(0.001)),
    keras.layers.Dense(64, activation="elu", kernel_regularizer=keras.regularizers.l2(0.001)),
    keras.layers.Dense(1)])
set_fixed(l2_model)
print([round(float(l), 5) for l in l2_model.losses])
show("l2", l2_model, compile_and_fit(l2_model, "regularizers/l2"))
result = l2_model(X[:3])
regularization_loss = tf.add_n(l2_model.losses)
print(round(float(regularization_loss), 5))
print(keras.regularizers.l2(0.001).get_config(), keras.regularizers.L1L2(l1=0.01, l2=0.02).get_config())
print(round(float(keras.regularizers.l1(0.1)(tf.constant([[1.0, -2.0]]))), 5))

dropout_model = keras.Sequential([keras.Input((FEATURES,)),
    keras.layers.Dense(64, activation="elu"), keras.layers.Dropout(0.5),
    keras.layers.Dense(64, activation="elu"), keras.layers.Dropout(0.5), keras.layers.Dense(1)])
set_fixed(dropout_model)
h = compile_and_fit(dropout_model, "regularizers/dropout", max_epochs=5)
print("dropout", len(h.epoch) <= 5, sorted(h.history))
print(np.allclose(dropout_model(X[:4], training=False), dropout_model(X[:4])))
d = keras.layers.Dropout(0.5, seed=1)
out = d(tf.ones([1000]), training=True).numpy()
print(sorted(set(out.tolist())), 0.35 < (out == 0).mean() < 0.65)

es = keras.callbacks.EarlyStopping(monitor="loss", min_delta=0.01, patience=1, mode="min", baseline=None, verbose=0, start_from_epoch=0)
m = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="ones")])
m.compile(keras.optimizers.SGD(0.1), "mse")
h = m.fit(np.arange(8.0).reshape(8, 1) / 8, np.zeros(8), epochs=50, verbose=0, callbacks=[es])
print(len(h.epoch), es.stopped_epoch, [round(v, 5) for v in h.history["loss"][-3:]])
