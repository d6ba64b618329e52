"""tf.queue: values recorded from TensorFlow 2.21 (the comparison runs the same program on both
and skips without TensorFlow), and thread safety with real threads."""

import threading

import pytest
from bad_input import assert_clear_error

import tapegrad as tf


def L(x):  # one result as lists
    if isinstance(x, dict):
        return {k: L(v) for k, v in x.items()}
    if isinstance(x, list):
        return [L(v) for v in x]
    v = x.numpy()
    return v.tolist() if hasattr(v, "tolist") else v


def _error(call):
    try:
        call()
    except Exception as err:  # any error: its class is the result
        return type(err).__name__
    return None


def _program(t):
    out = []
    q = t.queue.FIFOQueue(3, [t.float32, t.int32], shapes=[[2], []])
    q.enqueue([[1.0, 2.0], 7])
    q.enqueue_many([[[3.0, 4.0], [5.0, 6.0]], [8, 9]])
    out += [L(q.size()), L(q.dequeue()), L(q.dequeue_many(2))]
    q1 = t.queue.FIFOQueue(3, t.float32)
    q1.enqueue(1.0)
    out.append(L(q1.dequeue()))
    qn = t.queue.FIFOQueue(3, [t.float32, t.int32], names=["a", "b"])
    qn.enqueue({"a": 1.0, "b": 2})
    out.append(L(qn.dequeue()))
    q1.close()
    out += [_error(lambda: q1.enqueue(1.0)), _error(q1.dequeue),
            _error(lambda: q1.dequeue_many(1)), L(q1.is_closed())]
    p = t.queue.PaddingFIFOQueue(5, t.int32, shapes=[[None]])
    p.enqueue([[1, 2, 3]])
    p.enqueue([[4]])
    out.append(L(p.dequeue_many(2)))
    pq = t.queue.PriorityQueue(5, [t.string], shapes=[[]])
    pq.enqueue((t.constant(3, t.int64), "c"))
    pq.enqueue((t.constant(1, t.int64), "a"))
    pq.enqueue_many(([2, 0], ["b", "z"]))
    out += [L(pq.dequeue()), L(pq.dequeue_many(3))]
    r = t.queue.RandomShuffleQueue(10, 2, t.int32, shapes=[[]], seed=1)
    r.enqueue_many([[1, 2, 3, 4, 5]])
    out += [L(r.size()), set(L(r.dequeue_many(3))) <= {1, 2, 3, 4, 5}]
    q2 = t.queue.FIFOQueue(2, t.int32, shapes=[[]])
    q2.enqueue_many([[1, 2]])
    q2.close()
    out += [L(q2.dequeue_up_to(5)), _error(lambda: q2.dequeue_many(1)),
            _error(lambda: t.queue.FIFOQueue(2, t.int32, shapes=[[]]).enqueue([[1, 2]])),
            _error(lambda: t.queue.FIFOQueue(2, t.int32).dequeue_many(1))]
    return out


# TensorFlow 2.21's results of _program, in order
EXPECTED = [
    3, [[1.0, 2.0], 7], [[[3.0, 4.0], [5.0, 6.0]], [8, 9]], 1.0, {"a": 1.0, "b": 2},
    "CancelledError", "OutOfRangeError", "InvalidArgumentError", True,
    [[1, 2, 3], [4, 0, 0]], [0, b"z"], [[1, 2, 3], [b"a", b"b", b"c"]], 5, True, [1, 2],
    "OutOfRangeError", "ValueError", "InvalidArgumentError",
]


def test_queues_give_tensorflows_results():
    assert _program(tf) == EXPECTED


def test_queues_match_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    assert _program(tf) == _program(tf_real)


def _run(threads):
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=10)
    assert not any(th.is_alive() for th in threads), "a queue call never returned"


def test_fifo_queue_is_thread_safe_and_blocks_when_full():
    q = tf.queue.FIFOQueue(2, tf.int32, shapes=[[]])  # capacity 2: producers must wait
    got, lock = [], threading.Lock()

    def produce(base):
        for i in range(50):
            q.enqueue(base + i)

    def consume(n):
        for _ in range(n):
            with lock:  # dequeue and record together, so `got` is the dequeue order
                got.append(int(q.dequeue()))

    _run([threading.Thread(target=produce, args=(k * 1000,)) for k in range(3)]
         + [threading.Thread(target=consume, args=(n,)) for n in (50, 60, 40)])
    assert sorted(got) == sorted(k * 1000 + i for k in range(3) for i in range(50))
    for k in range(3):  # first in, first out: each producer's values leave in its order
        assert [v for v in got if v // 1000 == k] == [k * 1000 + i for i in range(50)]
    assert int(q.size()) == 0


def test_close_wakes_a_waiting_dequeue_and_enqueue():
    empty = tf.queue.FIFOQueue(1, tf.int32, shapes=[[]])
    full = tf.queue.FIFOQueue(1, tf.int32, shapes=[[]])
    full.enqueue(1)
    errors = []

    def wait_dequeue():
        errors.append(_error(empty.dequeue))

    def wait_enqueue():
        errors.append(_error(lambda: full.enqueue(2)))

    threads = [threading.Thread(target=wait_dequeue), threading.Thread(target=wait_enqueue)]
    for th in threads:
        th.start()
    empty.close()
    full.close()
    for th in threads:
        th.join(timeout=10)
    assert sorted(errors) == ["CancelledError", "OutOfRangeError"]
    assert int(full.dequeue()) == 1  # what was enqueued before closing is still served


def test_random_shuffle_queue_keeps_min_after_dequeue_until_closed():
    r = tf.queue.RandomShuffleQueue(10, 3, tf.int32, shapes=[[]], seed=0)
    r.enqueue_many([list(range(5))])
    taken = L(r.dequeue_many(2))  # 5 - 2 = 3 remain: allowed
    r.close()
    rest = L(r.dequeue_up_to(10))  # closed: the reserve is served too
    assert sorted(taken + rest) == list(range(5))


def test_queue_bad_inputs():
    q = tf.queue.FIFOQueue(2, [tf.float32, tf.int32], shapes=[[2], []])
    assert_clear_error(lambda: q.enqueue([[1.0, 2.0, 3.0], 1]), ValueError, "component 0",
                       "[2]", "[3]")
    assert_clear_error(lambda: q.enqueue([1.0]), ValueError, "2 components")
    assert_clear_error(lambda: tf.queue.PriorityQueue(2, [tf.int32]).enqueue([1]), ValueError,
                       "priority")
    assert int(q.size()) == 0
