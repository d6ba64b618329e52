"""The string hashes behind `tf.strings.to_hash_bucket_fast` and `to_hash_bucket_strong`:
FarmHash's Fingerprint64 and SipHash-2-4 in pure Python, bit for bit as TensorFlow's kernels
(Keras's Hashing layer buckets by the first, so its bins equal Keras's)."""

__all__ = ["cross_fingerprint", "default_cross_key", "fingerprint64", "siphash24"]

_M64 = (1 << 64) - 1
_K0, _K1, _K2 = 0xC3A5C85C97CB3127, 0xB492B66FBE98F273, 0x9AE16A3B2F90404F


def _rot(v, shift):
    """64-bit rotation to the right (FarmHash's Rotate)."""
    return ((v >> shift) | (v << (64 - shift))) & _M64 if shift else v


def _u64(s, i):
    return int.from_bytes(s[i : i + 8], "little")


def _u32(s, i):
    return int.from_bytes(s[i : i + 4], "little")


def _mix16(u, v, mul):
    """FarmHash's HashLen16(u, v, mul), Murmur-inspired."""
    a = ((u ^ v) * mul) & _M64
    a ^= a >> 47
    b = ((v ^ a) * mul) & _M64
    b ^= b >> 47
    return (b * mul) & _M64


def _shift_mix(v):
    return v ^ (v >> 47)


def _weak32(s, i, a, b):
    """FarmHash's WeakHashLen32WithSeeds over s[i:i+32]: a pair of 64-bit values."""
    w, x, y, z = _u64(s, i), _u64(s, i + 8), _u64(s, i + 16), _u64(s, i + 24)
    a = (a + w) & _M64
    b = _rot((b + a + z) & _M64, 21)
    c = a
    a = (a + x + y) & _M64
    b = (b + _rot(a, 44)) & _M64
    return (a + z) & _M64, (b + c) & _M64


def _short(s, n):
    """Fingerprint64 of up to 64 bytes (farmhashna's HashLen0to16, 17to32 and 33to64)."""
    mul = (_K2 + 2 * n) & _M64
    if n > 32:
        a, b = (_u64(s, 0) * _K2) & _M64, _u64(s, 8)
        c, d = (_u64(s, n - 8) * mul) & _M64, (_u64(s, n - 16) * _K2) & _M64
        y = (_rot((a + b) & _M64, 43) + _rot(c, 30) + d) & _M64
        z = _mix16(y, (a + _rot((b + _K2) & _M64, 18) + c) & _M64, mul)
        e, f = (_u64(s, 16) * mul) & _M64, _u64(s, 24)
        g, h = ((y + _u64(s, n - 32)) * mul) & _M64, ((z + _u64(s, n - 24)) * mul) & _M64
        return _mix16((_rot((e + f) & _M64, 43) + _rot(g, 30) + h) & _M64,
                      (e + _rot((f + a) & _M64, 18) + g) & _M64, mul)
    if n > 16:
        a, b = (_u64(s, 0) * _K1) & _M64, _u64(s, 8)
        c, d = (_u64(s, n - 8) * mul) & _M64, (_u64(s, n - 16) * _K2) & _M64
        return _mix16((_rot((a + b) & _M64, 43) + _rot(c, 30) + d) & _M64,
                      (a + _rot((b + _K2) & _M64, 18) + c) & _M64, mul)
    if n >= 8:
        a, b = (_u64(s, 0) + _K2) & _M64, _u64(s, n - 8)
        c = (_rot(b, 37) * mul + a) & _M64
        d = ((_rot(a, 25) + b) * mul) & _M64
        return _mix16(c, d, mul)
    if n >= 4:
        return _mix16((n + (_u32(s, 0) << 3)) & _M64, _u32(s, n - 4), mul)
    if n:
        y = s[0] + (s[n >> 1] << 8)
        z = n + (s[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _M64) * _K2) & _M64
    return _K2


def fingerprint64(s):
    """FarmHash's Fingerprint64 (farmhashna::Hash64) of bytes `s`, which TensorFlow's
    `to_hash_bucket_fast` (and Keras's Hashing layer) reduce modulo the bucket count."""
    n = len(s)
    if n <= 64:
        return _short(s, n)
    x, y = 81, (81 * _K1 + 113) & _M64
    z = (_shift_mix((y * _K2 + 113) & _M64) * _K2) & _M64
    v, w = (0, 0), (0, 0)
    x = (x * _K2 + _u64(s, 0)) & _M64
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    for i in range(0, end, 64):
        x = (_rot((x + y + v[0] + _u64(s, i + 8)) & _M64, 37) * _K1) & _M64
        y = (_rot((y + v[1] + _u64(s, i + 48)) & _M64, 42) * _K1) & _M64
        x ^= w[1]
        y = (y + v[0] + _u64(s, i + 40)) & _M64
        z = (_rot((z + w[0]) & _M64, 33) * _K1) & _M64
        v = _weak32(s, i, (v[1] * _K1) & _M64, (x + w[0]) & _M64)
        w = _weak32(s, i + 32, (z + w[1]) & _M64, (y + _u64(s, i + 16)) & _M64)
        z, x = x, z
    mul = (_K1 + ((z & 0xFF) << 1)) & _M64
    i = last64
    w = ((w[0] + ((n - 1) & 63)) & _M64, w[1])
    v = ((v[0] + w[0]) & _M64, v[1])
    w = ((w[0] + v[0]) & _M64, w[1])
    x = (_rot((x + y + v[0] + _u64(s, i + 8)) & _M64, 37) * mul) & _M64
    y = (_rot((y + v[1] + _u64(s, i + 48)) & _M64, 42) * mul) & _M64
    x ^= (w[1] * 9) & _M64
    y = (y + v[0] * 9 + _u64(s, i + 40)) & _M64
    z = (_rot((z + w[0]) & _M64, 33) * mul) & _M64
    v = _weak32(s, i, (v[1] * mul) & _M64, (x + w[0]) & _M64)
    w = _weak32(s, i + 32, (z + w[1]) & _M64, (y + _u64(s, i + 16)) & _M64)
    z, x = x, z
    return _mix16((_mix16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _M64,
                  (_mix16(v[1], w[1], mul) + x) & _M64, mul)


def siphash24(key, s):
    """SipHash-2-4 of bytes `s` under a 128-bit key given as two 64-bit integers (TensorFlow's
    StrongKeyedHash, behind `to_hash_bucket_strong`)."""
    k0, k1 = key[0] & _M64, key[1] & _M64
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D,
         k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def rotl(x, b):
        return ((x << b) | (x >> (64 - b))) & _M64

    def rounds(count):
        for _ in range(count):
            v[0] = (v[0] + v[1]) & _M64
            v[1] = rotl(v[1], 13) ^ v[0]
            v[0] = rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & _M64
            v[3] = rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & _M64
            v[3] = rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & _M64
            v[1] = rotl(v[1], 17) ^ v[2]
            v[2] = rotl(v[2], 32)

    n = len(s)
    tail = n - n % 8
    for i in range(0, tail, 8):
        m = _u64(s, i)
        v[3] ^= m
        rounds(2)
        v[0] ^= m
    m = ((n & 0xFF) << 56) | int.from_bytes(s[tail:], "little")
    v[3] ^= m
    rounds(2)
    v[0] ^= m
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


_CAT_MUL = 0xC6A4A7935BD1E995
default_cross_key = 0xDECAFCAFFE  # tf.sparse.cross_hashed's hash_key when None


def _fingerprint_cat64(fp1, fp2):
    """TensorFlow's FingerprintCat64: two fingerprints combined into one."""
    result = fp1 ^ _CAT_MUL
    result ^= (_shift_mix((fp2 * _CAT_MUL) & _M64) * _CAT_MUL) & _M64
    result = (result * _CAT_MUL) & _M64
    result = (_shift_mix(result) * _CAT_MUL) & _M64
    return _shift_mix(result)


def cross_fingerprint(features, num_buckets, key=default_cross_key):
    """The bucket of one cross of `features` as TensorFlow's SparseCrossHashed kernel (behind
    `tf.sparse.cross_hashed` and Keras's HashedCrossing) computes it: starting from `key`,
    each feature's hash (Fingerprint64 of bytes, an integer's own 64 bits) is folded in by
    FingerprintCat64; the result modulo `num_buckets` (or modulo the int64 maximum for 0)."""
    result = key
    for feature in features:
        value = fingerprint64(feature) if isinstance(feature, bytes) else int(feature) & _M64
        result = _fingerprint_cat64(result, value)
    return result % (num_buckets if num_buckets > 0 else (1 << 63) - 1)
