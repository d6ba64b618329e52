"""Which arrays the engine may write into: those that nothing else can see.

Writing a result into an operand's array instead of a fresh one saves an allocation (a fresh
array of 4 MiB or more is a page-faulting `mmap`) and gives the bits of the out-of-place
computation, but only when no one else holds that array: a variable's buffer that no tensor
read, a cotangent that only the backward walk holds. NumPy elides its own temporaries
(`a + b + c`) under the same condition, a reference count of one.

`held_once(x)` asks it of an object `x` that the caller took from one container (a dict
entry, an attribute, a Tensor's `_value` slot) and holds in one local variable or parameter:
true if that container and that local are its only holders. The count is calibrated on the
running interpreter (versions differ in which references they borrow), and any other count
says "shared", so that the caller computes out of place. A caller must hold `x` through the
container: a fresh object with one unseen holder would have the same count.
"""

import sys

__all__ = ["held_once"]

_refcount = sys.getrefcount


def _count(x):
    return _refcount(x)


def _calibrated():
    holder = [object()]
    x = holder[0]  # held by the container and this local, as a caller of held_once holds it
    return _count(x)


_HELD_ONCE = _calibrated()


def held_once(x):
    """True if `x` has no holder but the caller's local and the one container it came from."""
    return _refcount(x) == _HELD_ONCE
