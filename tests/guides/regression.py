# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import pandas as pd
import tensorflow as tf
import keras

np.set_printoptions(precision=3, suppress=True)

def fixed(shape, seed):
    n = int(np.prod(shape))
    return (np.sin(np.arange(1, n + 1) * (0.7 + 0.1 * seed) + seed) * 0.3).reshape(shape).astype("float32")

rng = np.random.default_rng(1)
n = 200
column_names = ["MPG", "Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration", "Model Year", "Origin"]
cyl = rng.choice([4, 6, 8], n)
disp = cyl * 40 + rng.normal(0, 20, n)
hp = disp * 0.5 + rng.normal(0, 10, n)
weight = disp * 8 + 1500 + rng.normal(0, 200, n)
acc = 20 - hp / 20 + rng.normal(0, 1, n)
year = rng.integers(70, 83, n)
origin = rng.choice([1, 2, 3], n)
mpg = 50 - weight / 150 + (year - 70) * 0.6 + rng.normal(0, 2, n)
raw_dataset = pd.DataFrame({"MPG": mpg, "Cylinders": cyl, "Displacement": disp, "Horsepower": hp,
                            "Weight": weight, "Acceleration": acc, "Model Year": year, "Origin": origin})
raw_dataset.loc[[3, 50], "Horsepower"] = np.nan
dataset = raw_dataset.copy()
print(dataset.isna().sum().tolist())
dataset = dataset.dropna()
dataset["Origin"] = dataset["Origin"].map({1: "USA", 2: "Europe", 3: "Japan"})
dataset = pd.get_dummies(dataset, columns=["Origin"], prefix="", prefix_sep="")
train_dataset = dataset.sample(frac=0.8, random_state=0)
test_dataset = dataset.drop(train_dataset.index)
train_features = train_dataset.copy()
test_features = test_dataset.copy()
train_labels = train_features.pop("MPG")
test_labels = test_features.pop("MPG")
print(train_dataset.describe().transpose()[["mean", "std"]].round(3).shape)

normalizer = keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(train_features).astype("float32"))
print(np.round(normalizer.mean.numpy(), 3))
first = np.array(train_features[:1]).astype("float32")
with np.printoptions(precision=2, suppress=True):
    print("First example:", first)
    print("Normalized:", normalizer(first).numpy())

horsepower = np.array(train_features["Horsepower"])
horsepower_normalizer = keras.layers.Normalization(input_shape=[1,], axis=None)
horsepower_normalizer.adapt(horsepower)
horsepower_model = keras.Sequential([horsepower_normalizer, keras.layers.Dense(units=1)])
horsepower_model.summary(print_fn=lambda *a, **k: None)
horsepower_model.layers[1].set_weights([np.array([[0.5]], "float32"), np.zeros(1, "float32")])
print(np.round(horsepower_model.predict(horsepower[:10], verbose=0), 3).ravel())
horsepower_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
history = horsepower_model.fit(train_features["Horsepower"], train_labels, epochs=20, verbose=0,
                               validation_split=0.2, shuffle=False)
hist = pd.DataFrame(history.history)
hist["epoch"] = history.epoch
print(hist.tail().round(4).to_string())
test_results = {}
test_results["horsepower_model"] = horsepower_model.evaluate(test_features["Horsepower"], test_labels, verbose=0)
x = tf.linspace(0.0, 250, 251)
y = horsepower_model.predict(x, verbose=0)
print(y.shape, np.round(y[::50].ravel(), 3))

linear_model = keras.Sequential([normalizer, keras.layers.Dense(units=1)])
print(linear_model.predict(train_features[:5].astype("float32"), verbose=0).shape)
linear_model.layers[1].set_weights([fixed((9, 1), 1), np.zeros(1, "float32")])
print(np.round(linear_model.predict(train_features[:5].astype("float32"), verbose=0).ravel(), 3))
print(linear_model.layers[1].kernel.shape)
linear_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
history = linear_model.fit(train_features.astype("float32"), train_labels, epochs=15, verbose=0,
                           validation_split=0.2, shuffle=False)
print(pd.DataFrame(history.history).round(4).tail(3).to_string())
test_results["linear_model"] = linear_model.evaluate(test_features.astype("float32"), test_labels, verbose=0)

def build_and_compile_model(norm):
    model = keras.Sequential([norm, keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(loss="mean_absolute_error", optimizer=keras.optimizers.Adam(0.001))
    return model

dnn_model = build_and_compile_model(normalizer)
dnn_model.build((None, 9))
ws = dnn_model.get_weights()
dnn_model.set_weights(ws[:3] + [fixed(w.shape, i) for i, w in enumerate(ws[3:])])
history = dnn_model.fit(train_features.astype("float32"), train_labels, validation_split=0.2,
                        verbose=0, epochs=10, shuffle=False)
print([round(v, 4) for v in history.history["val_loss"]])
test_results["dnn_model"] = dnn_model.evaluate(test_features.astype("float32"), test_labels, verbose=0)
print(pd.DataFrame(test_results, index=["Mean absolute error [MPG]"]).T.round(4).to_string())
test_predictions = dnn_model.predict(test_features.astype("float32"), verbose=0).flatten()
error = test_predictions - test_labels
print(round(float(error.mean()), 3), test_predictions.shape)
