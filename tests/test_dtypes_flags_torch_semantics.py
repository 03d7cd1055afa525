"""Dtype utilities, the default dtype, tensor queries, inference mode and print options with
PyTorch's results written out (no torch needed)."""
import threading

import numpy as np
import pytest

import autograd_engine as ae


@pytest.fixture(autouse=True)
def restore_global_options():
    yield
    ae.set_default_dtype(ae.float32)
    ae.set_printoptions(profile="default")


def test_finfo_values():
    f = ae.finfo(ae.float32)
    assert (f.bits, f.eps, f.max, f.min) == (32, 1.1920928955078125e-07,
                                              3.4028234663852886e+38, -3.4028234663852886e+38)
    assert f.tiny == f.smallest_normal == 1.1754943508222875e-38
    assert (f.resolution, f.dtype) == (1e-06, "float32")
    assert repr(f) == ("finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, "
                       "eps=1.19209e-07, smallest_normal=1.17549e-38, tiny=1.17549e-38, "
                       "dtype=float32)")
    h = ae.finfo(ae.float16)
    assert (h.bits, h.eps, h.max, h.tiny, h.resolution) == (16, 0.0009765625, 65504.0,
                                                             6.103515625e-05, 0.001)
    d = ae.finfo(ae.float64)
    assert (d.eps, d.resolution, d.dtype) == (2.220446049250313e-16, 1e-15, "float64")
    assert ae.finfo() == ae.finfo(ae.float32) != ae.finfo(ae.float64)
    ae.set_default_dtype(ae.float64)
    assert ae.finfo().dtype == "float64"


def test_iinfo_values():
    assert [(i.bits, i.min, i.max, i.dtype) for i in map(ae.iinfo, (ae.int64, np.uint8))] == [
        (64, -9223372036854775808, 9223372036854775807, "int64"), (8, 0, 255, "uint8")]
    assert repr(ae.iinfo(ae.int32)) == "iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)"
    for bad in (lambda: ae.iinfo(ae.bool), lambda: ae.iinfo(ae.float32),
                lambda: ae.finfo(ae.int64), lambda: ae.finfo("float32")):
        with pytest.raises(TypeError):
            bad()


@pytest.mark.parametrize("a,b,promoted", [
    (np.int32, np.float32, np.float32), (np.uint8, np.int8, np.int16),
    (np.bool_, np.int8, np.int8), (np.float16, np.int64, np.float16),
    (np.float16, np.bool_, np.float16), (np.uint8, np.int64, np.int64),
    (np.float32, np.float64, np.float64), (np.bool_, np.bool_, np.bool_)])
def test_promote_types(a, b, promoted):
    assert ae.promote_types(a, b) == ae.promote_types(b, a) == np.dtype(promoted)


@pytest.mark.parametrize("a,b,allowed", [
    (np.float32, np.int32, False), (np.int32, np.float32, True), (np.float64, np.float32, True),
    (np.int64, np.uint8, True), (np.uint8, np.int8, True), (np.bool_, np.uint8, True),
    (np.int32, np.bool_, False), (np.float32, np.bool_, False)])
def test_can_cast(a, b, allowed):
    assert ae.can_cast(a, b) is allowed


@pytest.mark.parametrize("a,b,expected", [
    (lambda: ae.tensor([1, 2]), 1.0, np.float32),
    (lambda: ae.tensor([1, 2]), lambda: ae.tensor(1.0), np.float32),
    (lambda: ae.tensor([1, 2], dtype=ae.int32), 5, np.int32),
    (lambda: ae.tensor([1.0], dtype=ae.float64), lambda: ae.tensor([1.0]), np.float64),
    (1, 2.0, np.float32), (1, 2, np.int64), (True, 2, np.int64),
    (lambda: ae.tensor(True), 2, np.int64),
    (lambda: ae.tensor([1], dtype=np.uint8), lambda: ae.tensor([1], dtype=np.int8), np.int16),
    (lambda: ae.tensor([1], dtype=np.uint8), -1, np.uint8),
    (lambda: ae.tensor(1, dtype=ae.float64), lambda: ae.tensor([1], dtype=ae.int32),
     np.float64),
    (lambda: ae.tensor([True]), lambda: ae.tensor(1.5, dtype=ae.float64), np.float64)])
def test_result_type(a, b, expected):
    a, b = (x() if callable(x) else x for x in (a, b))
    assert ae.result_type(a, b) == np.dtype(expected)


def test_result_type_refuses_other_operands():
    with pytest.raises(TypeError):
        ae.result_type("a", 1)


def test_default_dtype():
    assert ae.get_default_dtype() == np.float32
    ae.set_default_dtype(ae.float64)
    assert ae.get_default_dtype() == np.float64
    assert [ae.tensor([1.0]).dtype, ae.tensor([]).dtype, ae.zeros(2).dtype, ae.rand(2).dtype,
            ae.arange(0.5, 2).dtype, ae.linspace(0, 1, 3).dtype, ae.full((1,), 2.5).dtype,
            ae.eye(2).dtype, (ae.tensor([1]) * 0.5).dtype] == [np.float64] * 9
    assert [ae.tensor([1]).dtype, ae.arange(3).dtype, ae.tensor(np.float32(1)).dtype,
            (ae.ones(2, dtype=ae.float32) * 0.5).dtype] == [np.int64, np.int64, np.float32,
                                                             np.float32]
    ae.set_default_dtype(ae.float16)
    assert ae.tensor(1.5).dtype == ae.randn(2).dtype == np.float16
    for bad in (ae.int64, ae.bool, "float64", None):
        with pytest.raises(TypeError, match="floating-point"):
            ae.set_default_dtype(bad)
    assert ae.get_default_dtype() == np.float16


def test_queries():
    assert ae.is_tensor(ae.zeros(1)) and not ae.is_tensor(np.zeros(1))
    assert ae.is_floating_point(ae.zeros(1)) and not ae.is_floating_point(ae.tensor([1]))
    assert not ae.is_complex(ae.zeros(1))
    assert ae.numel(ae.zeros(2, 3)) == 6
    assert ae.is_nonzero(ae.tensor([[3]])) and not ae.is_nonzero(ae.tensor(0.0))
    assert ae.is_nonzero(ae.tensor(float("nan")))
    with pytest.raises(RuntimeError, match="more than one value"):
        ae.is_nonzero(ae.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="no values"):
        ae.is_nonzero(ae.tensor([]))
    for query in (ae.is_floating_point, ae.is_nonzero, ae.numel, ae.is_complex):
        with pytest.raises(TypeError, match="must be Tensor"):
            query(1.0)


def test_inference_mode():
    x = ae.ones(2, requires_grad=True)
    with ae.inference_mode():
        assert not ae.is_grad_enabled() and ae.is_inference_mode_enabled()
        y = x * 2
        with ae.inference_mode(False):
            assert ae.is_grad_enabled() and not ae.is_inference_mode_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert ae.is_grad_enabled() and not ae.is_inference_mode_enabled()

    @ae.inference_mode
    def bare():
        return ae.is_inference_mode_enabled()

    @ae.inference_mode()
    def called():
        return ae.is_inference_mode_enabled()

    assert bare() and called() and not ae.is_inference_mode_enabled()


def test_inference_mode_is_per_thread():
    seen = []
    with ae.inference_mode():
        worker = threading.Thread(target=lambda: seen.append(ae.is_inference_mode_enabled()))
        worker.start()
        worker.join()
    assert seen == [False]


@pytest.mark.parametrize("options,make,text", [
    (dict(precision=2), lambda: ae.tensor([1.12345, 2.5]), "tensor([1.12, 2.50])"),
    (dict(threshold=5), lambda: ae.arange(10), "tensor([0, 1, 2,  ..., 7, 8, 9])"),
    (dict(threshold=5, edgeitems=1), lambda: ae.arange(10.0), "tensor([0.,  ..., 9.])"),
    (dict(sci_mode=True), lambda: ae.tensor([1.5, 2.0]), "tensor([1.5000e+00, 2.0000e+00])"),
    (dict(sci_mode=False), lambda: ae.tensor([1e-6, 1e5]), "tensor([     0.0000, 100000.0000])"),
    (dict(sci_mode=False), lambda: ae.tensor([1e10, 1.0]),
     "tensor([10000000000.,           1.])"),
    (dict(linewidth=30), lambda: ae.arange(6.0) / 7,
     "tensor([0.0000, 0.1429,\n        0.2857, 0.4286,\n        0.5714, 0.7143])"),
    (dict(profile="short", precision=6), lambda: ae.tensor([1.23456789]), "tensor([1.234568])"),
    (dict(profile="nonsense", precision=3), lambda: ae.tensor([1.23456]), "tensor([1.235])"),
])
def test_set_printoptions(options, make, text):
    ae.set_printoptions(**options)
    assert repr(make()) == text


def test_print_profiles_and_restoring():
    ae.set_printoptions(profile="short")
    assert ae.printing.get_printoptions() == dict(precision=2, threshold=1000, edgeitems=2,
                                                  linewidth=80, sci_mode=None)
    ae.set_printoptions(profile="full")
    assert "..." not in repr(ae.arange(1001))
    ae.set_printoptions(profile="default")
    assert "..." in repr(ae.arange(1001)) and repr(ae.tensor([1.12345])) == "tensor([1.1235])"
    with ae.printing.printoptions(precision=1):
        assert repr(ae.tensor([1.25])) == "tensor([1.2])"
    assert repr(ae.tensor([1.25])) == "tensor([1.2500])"


@pytest.mark.parametrize("args,dtype,expected", [
    ((0.1, 7.3, 13), ae.float32, [0.10000000149011612, 0.7000000476837158, 1.3000000715255737,
                                  1.9000000953674316, 2.5, 3.1000001430511475,
                                  3.700000047683716, 4.300000190734863, 4.900000095367432,
                                  5.5, 6.100000381469727, 6.700000286102295,
                                  7.300000190734863]),
    ((-3.3, 9.1, 7), ae.float64, [-3.3, -1.2333333333333334, 0.833333333333333,
                                  2.9000000000000004, 4.966666666666667, 7.033333333333333,
                                  9.1]),
    ((0, 1, 11), ae.float32, [0.0, 0.10000000149011612, 0.20000000298023224,
                              0.30000001192092896, 0.4000000059604645, 0.5,
                              0.6000000238418579, 0.699999988079071, 0.800000011920929,
                              0.8999999761581421, 1.0]),
    ((27.39, -46.04, 12), ae.int64, [27, 20, 13, 7, 0, -6, -12, -19, -26, -32, -39, -46]),
])
def test_linspace_gives_pytorchs_values_to_the_bit(args, dtype, expected):
    """PyTorch's halves (from start up, from end down; integer ends truncated first), not
    numpy's start + i * step: np.linspace(0.1, 7.3, 13) cast to float32 differs in 6 elements."""
    assert ae.linspace(*args, dtype=dtype).tolist() == expected
