"""Every name of the public contract exists where users look for it."""
import autograd_engine as ae
import autograd_engine.nn.functional as F

TOP = ("tensor from_numpy zeros ones full empty arange linspace eye zeros_like ones_like rand "
       "randn randint manual_seed float32 float64 int64 bool no_grad enable_grad "
       "is_grad_enabled exp log sqrt sin cos tanh sigmoid relu clamp maximum minimum where sign "
       "sum mean var std max min argmax argmin logsumexp prod norm reshape view flatten squeeze "
       "unsqueeze transpose permute expand repeat cat stack split chunk pad matmul save load "
       "Tensor abs").split()
FUNCTIONAL = ("relu leaky_relu sigmoid tanh gelu silu softplus elu softmax log_softmax "
              "cross_entropy nll_loss mse_loss l1_loss binary_cross_entropy "
              "binary_cross_entropy_with_logits one_hot pad linear dropout embedding conv2d "
              "max_pool2d batch_norm layer_norm").split()
MODULES = ("Module Parameter Linear Sequential ModuleList ReLU LeakyReLU Sigmoid Tanh GELU SiLU "
           "Softmax Dropout BatchNorm1d LayerNorm Embedding Flatten Conv2d MaxPool2d MSELoss "
           "L1Loss CrossEntropyLoss NLLLoss BCELoss BCEWithLogitsLoss").split()
INIT = ("calculate_gain xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_ "
        "uniform_ normal_ zeros_ ones_ constant_").split()
OPTIM = "SGD Adam AdamW RMSprop Adagrad".split()
SCHEDULERS = ("StepLR MultiStepLR ExponentialLR CosineAnnealingLR LinearLR ReduceLROnPlateau "
              "LambdaLR MultiplicativeLR ConstantLR PolynomialLR CosineAnnealingWarmRestarts "
              "OneCycleLR SequentialLR ChainedScheduler").split()
AUTOGRAD = "grad Function gradcheck gradgradcheck detect_anomaly GradcheckError check_op".split()


def test_public_names_exist():
    missing = [f"ae.{n}" for n in TOP if not hasattr(ae, n)]
    missing += [f"F.{n}" for n in FUNCTIONAL if not hasattr(F, n)]
    missing += [f"nn.{n}" for n in MODULES if not hasattr(ae.nn, n)]
    missing += [f"nn.init.{n}" for n in INIT if not hasattr(ae.nn.init, n)]
    missing += [f"optim.{n}" for n in OPTIM if not hasattr(ae.optim, n)]
    missing += [f"lr_scheduler.{n}" for n in SCHEDULERS
                if not hasattr(ae.optim.lr_scheduler, n)]
    missing += [f"autograd.{n}" for n in AUTOGRAD if not hasattr(ae.autograd, n)]
    missing += [f"nn.utils.{n}" for n in ("clip_grad_norm_", "clip_grad_value_")
                if not hasattr(ae.nn.utils, n)]
    assert not missing, missing


def test_gradcheck_error_is_a_runtime_error():
    assert issubclass(ae.autograd.GradcheckError, RuntimeError)


def test_every_package_is_listed_for_the_wheel():
    """pyproject.toml lists the packages explicitly: a new subpackage left out of the list
    works in an editable install and goes missing from a built wheel."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    listed = set(re.findall(r'"(autograd_engine[\w.]*)"',
                            (root / "pyproject.toml").read_text().split("packages = [")[1]
                            .split("]")[0]))
    found = {".".join(p.parent.relative_to(root).parts)
             for p in (root / "autograd_engine").rglob("__init__.py")}
    found |= {"autograd_engine.kernels"} if (root / "kernels" / "__init__.py").exists() else set()
    assert found == listed


def test_namespaces_load_on_first_use():
    """``import autograd_engine`` leaves nn, optim, ... unimported; every way of reaching
    them imports them (a fresh process: this one has them already)."""
    import subprocess
    import sys

    code = (
        "import sys, autograd_engine as ae\n"
        "lazy = ['diagnostics', 'func', 'linalg', 'nn', 'optim', 'special', 'utils']\n"
        "assert not [n for n in lazy if 'autograd_engine.' + n in sys.modules], sys.modules\n"
        "assert set(lazy) <= set(dir(ae))\n"
        "assert ae.nn.Linear(2, 3)(ae.ones(1, 2)).shape == (1, 3)\n"
        "from autograd_engine import optim\n"
        "import autograd_engine.func as func\n"
        "assert optim.SGD and func.grad and ae.linalg.norm and ae.special.erf and ae.utils\n"
        "try:\n"
        "    ae.not_a_name\n"
        "except AttributeError as e:\n"
        "    assert 'not_a_name' in str(e)\n"
        "else:\n"
        "    raise AssertionError('no AttributeError')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
