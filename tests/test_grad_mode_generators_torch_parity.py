"""Grad-mode decorators on generator functions against torch live: the same scenario (several
yields interleaved with the caller, send, throw, close, return values, nesting, errors)
gives the same trace of grad modes in both."""
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")


def scenario(lib):
    trace = []

    def mode():
        return lib.is_grad_enabled()

    @lib.no_grad()
    def off(n):
        got = None
        for i in range(n):
            got = yield i, mode(), got
            trace.append(("resumed", i, mode(), got))
        return "done"

    g = off(3)
    trace += [("caller", mode()), next(g), ("caller", mode()), g.send("a")]
    with lib.no_grad():
        @lib.enable_grad()
        def on():
            yield mode()
            yield mode()
        h = on()
        trace.append(("on", next(h), mode()))
    trace.append(("on-outside", next(h), mode()))
    try:
        g.send("b")
        g.send("c")
    except StopIteration as stop:
        trace.append(("stop", stop.value, mode()))

    @lib.set_grad_enabled(False)
    def switched():
        try:
            yield mode()
        except ValueError as exc:
            trace.append(("caught", str(exc), mode()))
            yield "after-throw", mode()
        finally:
            trace.append(("finally", mode()))

    s = switched()
    trace.append(("switched", next(s), mode()))
    trace.append(("throw", s.throw(ValueError("x")), mode()))
    s.close()
    trace.append(("closed", mode()))

    @lib.inference_mode()
    def inference():
        yield mode(), lib.is_inference_mode_enabled()

    trace.append(("inference", list(inference()), mode(), lib.is_inference_mode_enabled()))

    @lib.no_grad
    def bare():
        yield mode()

    trace.append(("bare", list(bare())))

    @lib.enable_grad()
    def inner():
        yield mode()

    @lib.no_grad()
    def outer():
        yield mode()
        yield from inner()

    with lib.no_grad():
        trace.append(("nested", list(outer()), mode()))

    @lib.no_grad()
    def failing():
        yield 1
        raise KeyError("k")

    f = failing()
    next(f)
    try:
        next(f)
    except KeyError as exc:
        trace.append(("raised", repr(exc), mode()))
    x = lib.ones(2, requires_grad=True)

    @lib.no_grad()
    def ops():
        yield (x * 2).requires_grad
        yield (x * 2).requires_grad

    trace.append(("ops", [(inside, (x * 2).requires_grad) for inside in ops()]))
    trace.append(("end", mode()))
    return trace


def test_generator_scenario_as_torch():
    assert scenario(ae) == scenario(torch)


@pytest.mark.parametrize("name", ["no_grad", "enable_grad", "inference_mode"])
@pytest.mark.parametrize("caller", [True, False])
def test_each_decorator_as_torch(name, caller):
    def run(lib):
        @getattr(lib, name)()
        def gen():
            yield lib.is_grad_enabled()
            yield lib.is_grad_enabled()

        with lib.set_grad_enabled(caller):
            return [(inside, lib.is_grad_enabled()) for inside in gen()]

    assert run(ae) == run(torch)
