"""Every registered op has gradient cases; each passes gradcheck and, where it claims
second-order support, gradgradcheck."""
import pytest

from autograd_engine.autograd import gradcheck, gradgradcheck
from autograd_engine.function import REGISTRY

from .cases import all_cases

CASES, COVERED = all_cases()
PARAMS = [pytest.param(name, i, id=f"{name}-{case.label or i}")
          for name, cases in sorted(CASES.items()) for i, case in enumerate(cases)]


def test_every_registered_op_has_gradient_cases():
    missing = sorted(n for n in REGISTRY if n not in CASES and n not in COVERED)
    assert not missing, f"ops without gradcheck cases: {missing}"
    unknown = sorted(n for n in list(CASES) + list(COVERED) if n not in REGISTRY)
    assert not unknown, f"cases name ops that are not registered: {unknown}"


def test_covered_ops_are_exercised_by_second_order_cases():
    for name, parent in COVERED.items():
        assert any(c.second_order for c in CASES.get(parent, ())), (name, parent)


@pytest.mark.parametrize("name,index", PARAMS)
def test_first_order(name, index):
    case = CASES[name][index]
    assert gradcheck(case.fn, case.inputs(), **case.tolerances)


@pytest.mark.parametrize("name,index", [p for p in PARAMS
                                        if CASES[p.values[0]][p.values[1]].second_order])
def test_second_order(name, index):
    case = CASES[name][index]
    assert gradgradcheck(case.fn, case.inputs(), **case.tolerances)
