"""Grad-mode decorators on generator functions, as PyTorch's _DecoratorContextManager: the
body runs in the decorated mode each time the generator resumes (next, send, throw, close),
and the caller's mode is back while it is suspended. Expected traces from torch 2.13."""
import pytest

import autograd_engine as ae


def mode():
    return ae.is_grad_enabled()


# (built in the test: set_grad_enabled switches the mode as soon as it is called, as PyTorch's)
DECORATORS = {
    "no_grad()": (lambda: ae.no_grad(), False), "no_grad": (lambda: ae.no_grad, False),
    "enable_grad()": (lambda: ae.enable_grad(), True),
    "enable_grad": (lambda: ae.enable_grad, True),
    "set_grad_enabled(False)": (lambda: ae.set_grad_enabled(False), False),
    "set_grad_enabled(True)": (lambda: ae.set_grad_enabled(True), True),
    "inference_mode()": (lambda: ae.inference_mode(), False),
    "inference_mode": (lambda: ae.inference_mode, False),
    "inference_mode(False)": (lambda: ae.inference_mode(False), True),
}


@pytest.mark.parametrize("name", list(DECORATORS))
@pytest.mark.parametrize("caller", [True, False], ids=["caller-on", "caller-off"])
def test_every_resumption_runs_in_the_decorated_mode(name, caller):
    make, inside = DECORATORS[name]

    @make()
    def gen():
        for _ in range(3):
            yield mode()

    assert mode()
    with ae.set_grad_enabled(caller):
        g = gen()
        seen = []
        for value in g:
            seen.append((value, mode()))  # the caller's mode between resumptions
        assert seen == [(inside, caller)] * 3
        assert mode() is caller
    assert mode()


def test_interleaved_with_the_caller():
    @ae.no_grad()
    def off(n):
        got = None
        for i in range(n):
            got = yield i, mode(), got
        return "done"

    g = off(3)
    assert mode()
    assert next(g) == (0, False, None)
    assert mode()
    assert g.send("a") == (1, False, "a")
    with ae.no_grad():
        assert g.send("b") == (2, False, "b")
        assert not mode()
    with pytest.raises(StopIteration) as stop:
        g.send("c")
    assert stop.value.value == "done" and mode()


def test_two_generators_in_different_modes_interleave():
    @ae.no_grad()
    def off():
        while True:
            yield mode()

    @ae.enable_grad()
    def on():
        while True:
            yield mode()

    a, b = off(), on()
    with ae.no_grad():
        assert [next(a), next(b), next(a), next(b)] == [False, True, False, True]
        assert not mode()
    assert [next(b), next(a)] == [True, False] and mode()


def test_throw_and_close_run_in_the_decorated_mode():
    trace = []

    @ae.set_grad_enabled(False)
    def gen():
        try:
            yield mode()
        except ValueError as exc:
            trace.append(("caught", str(exc), mode()))
            yield "after-throw", mode()
        finally:
            trace.append(("finally", mode()))

    g = gen()
    assert next(g) is False and mode()
    assert g.throw(ValueError("x")) == ("after-throw", False) and mode()
    g.close()
    assert mode()
    assert trace == [("caught", "x", False), ("finally", False)]


def test_an_error_in_the_body_reaches_the_caller_in_its_mode():
    @ae.no_grad()
    def gen():
        yield 1
        raise KeyError("k")

    g = gen()
    next(g)
    with pytest.raises(KeyError):
        next(g)
    assert mode()


def test_ops_in_the_body_record_no_graph():
    x = ae.ones(2, requires_grad=True)

    @ae.no_grad()
    def gen():
        yield (x * 2).requires_grad
        yield (x * 2).requires_grad

    assert [(inside, (x * 2).requires_grad) for inside in gen()] == [(False, True)] * 2


def test_nested_decorated_generators():
    @ae.enable_grad()
    def inner():
        yield mode()
        yield mode()

    @ae.no_grad()
    def outer():
        yield mode()
        yield from inner()

    assert list(outer()) == [False, True, True] and mode()


def test_inference_mode_generator():
    @ae.inference_mode()
    def gen():
        yield mode(), ae.is_inference_mode_enabled()

    assert list(gen()) == [(False, True)]
    assert mode() and not ae.is_inference_mode_enabled()


def test_decorated_generator_keeps_its_name_and_is_a_generator_function():
    import inspect

    @ae.no_grad()
    def produce():
        """Docstring."""
        yield 1

    assert produce.__name__ == "produce" and produce.__doc__ == "Docstring."
    assert inspect.isgenerator(produce())


def test_plain_functions_are_unchanged():
    @ae.no_grad()
    def f():
        return mode()

    assert f() is False and mode()
