"""Learning-rate schedulers: sequences equal PyTorch's (chainable forms, float64 arithmetic)."""
import math
import re

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import optim
from autograd_engine.optim import lr_scheduler

# Sequences computed with torch 2.13 on SGD([{"params": [a]}, {"params": [b], "lr": 0.05}],
# lr=0.1), calling optimizer.step() then scheduler.step() (ReduceLROnPlateau: step(metric)).
SEQUENCES = [  # (scheduler, kwargs, get_last_lr() after construction and after each step)
    ('StepLR', {'step_size': 3, 'gamma': 0.5}, [[0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.05,
     0.025], [0.05, 0.025], [0.05, 0.025], [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125],
     [0.0125, 0.00625], [0.0125, 0.00625], [0.0125, 0.00625], [0.00625, 0.003125]]),
    ('MultiStepLR', {'milestones': [2, 5, 5, 8], 'gamma': 0.1}, [[0.1, 0.05], [0.1, 0.05],
     [0.010000000000000002, 0.005000000000000001], [0.010000000000000002,
     0.005000000000000001], [0.010000000000000002, 0.005000000000000001],
     [0.00010000000000000005, 5.000000000000002e-05], [0.00010000000000000005,
     5.000000000000002e-05], [0.00010000000000000005, 5.000000000000002e-05],
     [1.0000000000000006e-05, 5.000000000000003e-06], [1.0000000000000006e-05,
     5.000000000000003e-06], [1.0000000000000006e-05, 5.000000000000003e-06]]),
    ('ExponentialLR', {'gamma': 0.9}, [[0.1, 0.05], [0.09000000000000001,
     0.045000000000000005], [0.08100000000000002, 0.04050000000000001], [0.07290000000000002,
     0.03645000000000001], [0.06561000000000002, 0.03280500000000001], [0.05904900000000002,
     0.02952450000000001], [0.05314410000000002, 0.02657205000000001]]),
    ('CosineAnnealingLR', {'T_max': 5, 'eta_min': 0.01}, [[0.1, 0.05], [0.09140576474687263,
     0.04618033988749895], [0.06890576474687263, 0.03618033988749895], [0.04109423525312736,
     0.02381966011250105], [0.018594235253127367, 0.013819660112501053], [0.01, 0.01],
     [0.018594235253127367, 0.013819660112501051], [0.04109423525312739, 0.023819660112501057],
     [0.06890576474687267, 0.03618033988749896], [0.09140576474687269, 0.04618033988749897],
     [0.10000000000000006, 0.050000000000000024], [0.09140576474687272, 0.046180339887498985],
     [0.06890576474687268, 0.03618033988749897], [0.0410942352531274, 0.023819660112501063],
     [0.01859423525312738, 0.013819660112501058], [0.01, 0.01], [0.018594235253127367,
     0.013819660112501051]]),
    ('LinearLR', {}, [[0.03333333333333333, 0.016666666666666666], [0.04666666666666667,
     0.023333333333333334], [0.060000000000000005, 0.030000000000000002], [0.07333333333333335,
     0.036666666666666674], [0.08666666666666668, 0.04333333333333334], [0.1, 0.05], [0.1,
     0.05], [0.1, 0.05], [0.1, 0.05]]),
    ('LinearLR', {'start_factor': 0.5, 'end_factor': 0.9, 'total_iters': 4}, [[0.05, 0.025],
     [0.06, 0.03], [0.07, 0.035], [0.08, 0.04], [0.09, 0.045], [0.09, 0.045], [0.09, 0.045],
     [0.09, 0.045]]),
    ('LambdaLR', {'lr_lambda': [lambda e: 0.95 ** e, lambda e: 1 / (e + 1)]},
     [[0.1, 0.05], [0.095, 0.025], [0.09025, 0.016666666666666666], [0.0857375, 0.0125],
     [0.081450625, 0.010000000000000002], [0.07737809374999999, 0.008333333333333333],
     [0.07350918906249998, 0.007142857142857143], [0.06983372960937498, 0.00625],
     [0.06634204312890622, 0.005555555555555556]]),
    ('LambdaLR', {'lr_lambda': lambda e: (e // 3 + 1) * 0.5},
     [[0.05, 0.025], [0.05, 0.025], [0.05, 0.025], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05],
     [0.15000000000000002, 0.07500000000000001], [0.15000000000000002, 0.07500000000000001],
     [0.15000000000000002, 0.07500000000000001]]),
    ('MultiplicativeLR', {'lr_lambda': lambda e: 0.9 if e % 2 else 0.8},
     [[0.1, 0.05], [0.09000000000000001, 0.045000000000000005], [0.07200000000000001,
     0.036000000000000004], [0.06480000000000001, 0.032400000000000005], [0.05184000000000001,
     0.025920000000000006], [0.04665600000000001, 0.023328000000000005], [0.03732480000000001,
     0.018662400000000006], [0.03359232000000001, 0.016796160000000004], [0.02687385600000001,
     0.013436928000000004]]),
    ('ConstantLR', {},
     [[0.03333333333333333, 0.016666666666666666], [0.03333333333333333, 0.016666666666666666],
     [0.03333333333333333, 0.016666666666666666], [0.03333333333333333, 0.016666666666666666],
     [0.03333333333333333, 0.016666666666666666], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1,
     0.05]]),
    ('ConstantLR', {'factor': 0.5, 'total_iters': 3},
     [[0.05, 0.025], [0.05, 0.025], [0.05, 0.025], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1,
     0.05]]),
    ('PolynomialLR', {},
     [[0.1, 0.05], [0.08000000000000002, 0.04000000000000001], [0.060000000000000005,
     0.030000000000000002], [0.04000000000000001, 0.020000000000000004], [0.02, 0.01], [0.0, 0.0],
     [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]),
    ('PolynomialLR', {'total_iters': 6, 'power': 2.0},
     [[0.1, 0.05], [0.06944444444444446, 0.03472222222222223], [0.04444444444444447,
     0.022222222222222233], [0.02500000000000001, 0.012500000000000004], [0.011111111111111117,
     0.005555555555555558], [0.0027777777777777775, 0.0013888888888888887], [0.0, 0.0], [0.0, 0.0],
     [0.0, 0.0]]),
    ('CosineAnnealingWarmRestarts', {'T_0': 3, 'T_mult': 2, 'eta_min': 0.01},
     [[0.1, 0.05], [0.0775, 0.04], [0.032500000000000015, 0.020000000000000004], [0.1, 0.05],
     [0.09397114317029975, 0.04732050807568878], [0.0775, 0.04], [0.05500000000000001, 0.03],
     [0.032500000000000015, 0.020000000000000004], [0.01602885682970026, 0.012679491924311226],
     [0.1, 0.05], [0.09846666218300808, 0.04931851652578137], [0.09397114317029975,
     0.04732050807568878], [0.08681980515339464, 0.044142135623730955], [0.0775, 0.04],
     [0.06664685702961344, 0.035176380902050414], [0.05500000000000001, 0.03],
     [0.04335314297038658, 0.024823619097949588]]),
    ('CosineAnnealingWarmRestarts', {'T_0': 4},
     [[0.1, 0.05], [0.08535533905932738, 0.04267766952966369], [0.05, 0.025],
     [0.014644660940672627, 0.0073223304703363135], [0.1, 0.05], [0.08535533905932738,
     0.04267766952966369], [0.05, 0.025], [0.014644660940672627, 0.0073223304703363135], [0.1,
     0.05], [0.08535533905932738, 0.04267766952966369], [0.05, 0.025]]),
]
CHAINED = [[0.025, 0.0125], [0.04000000000000001, 0.020000000000000004], [0.048000000000000015,
           0.024000000000000007], [0.051200000000000016, 0.025600000000000008],
           [0.04096000000000002, 0.02048000000000001], [0.03276800000000001, 0.016384000000000006],
           [0.026214400000000013, 0.013107200000000006]]
METRICS = [1.0, 0.95, 0.97, 0.96, 0.99, 0.5, 0.6, 0.7, 0.8, 0.9, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5]
PLATEAUS = [  # (kwargs, get_last_lr() after each step(metric))
    ({'mode': 'min', 'factor': 0.5, 'patience': 2, 'threshold': 0.1, 'cooldown': 1}, [[0.1,
     0.05], [0.1, 0.05], [0.1, 0.05], [0.05, 0.025], [0.05, 0.025], [0.05, 0.025], [0.05,
     0.025], [0.05, 0.025], [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125],
     [0.0125, 0.00625], [0.0125, 0.00625], [0.0125, 0.00625], [0.0125, 0.00625]]),
    ({'mode': 'max', 'factor': 0.3, 'patience': 1, 'threshold': 0.05, 'threshold_mode': 'abs',
     'min_lr': [0.02, 0.001]}, [[0.1, 0.05], [0.1, 0.05], [0.03, 0.015], [0.03, 0.015], [0.02,
     0.0045], [0.02, 0.0045], [0.02, 0.0013499999999999999], [0.02, 0.0013499999999999999],
     [0.02, 0.001], [0.02, 0.001], [0.02, 0.001], [0.02, 0.001], [0.02, 0.001], [0.02, 0.001],
     [0.02, 0.001], [0.02, 0.001]]),
    ({}, [[0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1,
     0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1,
     0.05], [0.1, 0.05], [0.1, 0.05]]),
]


# The same optimizer in torch 2.13, CosineAnnealingWarmRestarts stepped with explicit epochs:
# get_last_lr() and (last_epoch, T_cur, T_i) after each step(epoch) (None: step()).
WARM_EPOCHS = [  # (kwargs, epochs, lrs, states)
    ({'T_0': 2, 'T_mult': 2, 'eta_min': 0.001},
     [e + i / 3 for e in range(5) for i in range(3)] + [26, None],  # 3 batches an epoch
     [[0.1, 0.05], [0.09336825748732973, 0.046717622392718754], [0.07525000000000001,
     0.037750000000000006], [0.0505, 0.025500000000000002], [0.025750000000000012,
     0.013250000000000005], [0.0076317425126702955, 0.004282377607281257], [0.1, 0.05],
     [0.09831332840130888, 0.04916518274408217], [0.09336825748732973, 0.046717622392718754],
     [0.0855017856687341, 0.04282411613907042], [0.07525000000000001, 0.037750000000000006],
     [0.06331154273257479, 0.031841066605011764], [0.0505, 0.025500000000000002],
     [0.03768845726742524, 0.01915893339498825], [0.02574999999999999, 0.013249999999999994],
     [0.0154982143312659, 0.008175883860929586], [0.009342254191024007, 0.0051289944985876395]],
     [(0, 0.0, 2), (0, 0.3333333333333333, 2), (0, 0.6666666666666666, 2), (1, 1.0, 2), (1,
     1.3333333333333333, 2), (1, 1.6666666666666665, 2), (2, 0.0, 4), (2, 0.3333333333333335, 4),
     (2, 0.6666666666666665, 4), (3, 1.0, 4), (3, 1.3333333333333335, 4), (3, 1.6666666666666665,
     4), (4, 2.0, 4), (4, 2.333333333333333, 4), (4, 2.666666666666667, 4), (26, 12.0, 16), (27,
     13.0, 16)]),
    ({'T_0': 5, 'eta_min': 0.01}, [0.5, 4.75, 5, 12.25, 3],
     [[0.09779754323328192, 0.04902113032590308], [0.010554024673218806, 0.010246233188097247],
     [0.1, 0.05], [0.0620395509268104, 0.03312868930080462], [0.04109423525312737,
     0.023819660112501053]],
     [(0, 0.5, 5), (4, 4.75, 5), (5, 0, 5), (12, 2.25, 5), (3, 3, 5)]),
]
# torch 2.13, OneCycleLR on the same two groups: get_last_lr() and the groups' momentum (SGD)
# or betas (Adam, AdamW) after construction and after each step.
ONE_CYCLE = [  # (optimizer class, its kwargs, OneCycleLR kwargs, lrs, momenta)
    (optim.SGD, {'momentum': 0.9}, {'max_lr': [1.0, 0.5], 'total_steps': 10},
     [[0.040000000000000036, 0.020000000000000018], [0.52, 0.26], [1.0, 0.5], [0.9504846320134737,
     0.47524231600673683], [0.8117456539497631, 0.40587282697488153], [0.6112620219362893,
     0.30563101096814466], [0.38874197806371075, 0.19437098903185537], [0.18825834605023697,
     0.09412917302511849], [0.049519367986526286, 0.024759683993263143], [4e-06, 2e-06],
     [0.04951936798652623, 0.024759683993263115]],
     [[0.95, 0.95], [0.8999999999999999, 0.8999999999999999], [0.85, 0.85], [0.854951556604879,
     0.854951556604879], [0.8688255099070633, 0.8688255099070633], [0.8888739533021842,
     0.8888739533021842], [0.9111260466978157, 0.9111260466978157], [0.9311744900929366,
     0.9311744900929366], [0.945048443395121, 0.945048443395121], [0.95, 0.95], [0.945048443395121,
     0.945048443395121]]),
    (optim.Adam, {}, {'max_lr': 0.2, 'epochs': 3, 'steps_per_epoch': 4,
                      'anneal_strategy': 'linear', 'three_phase': True,
                      'base_momentum': [0.8, 0.85], 'max_momentum': 0.9},
     [[0.008, 0.008], [0.08184615384615387, 0.08184615384615387], [0.15569230769230774,
     0.15569230769230774], [0.17046153846153844, 0.17046153846153844], [0.09661538461538459,
     0.09661538461538459], [0.022769230769230736, 0.022769230769230736], [0.006896662068965517,
     0.006896662068965517], [0.005517489655172413, 0.005517489655172413], [0.00413831724137931,
     0.00413831724137931], [0.002759144827586207, 0.002759144827586207], [0.001379972413793104,
     0.001379972413793104], [8.000000000004531e-07, 8.000000000004531e-07],
     [-0.0013783724137931015, -0.0013783724137931015]],
     [[(0.9, 0.999), (0.9, 0.999)], [(0.8615384615384616, 0.999), (0.8807692307692307, 0.999)],
     [(0.823076923076923, 0.999), (0.8615384615384615, 0.999)], [(0.8153846153846155, 0.999),
     (0.8576923076923076, 0.999)], [(0.8538461538461539, 0.999), (0.8769230769230769, 0.999)],
     [(0.8923076923076924, 0.999), (0.8961538461538462, 0.999)], [(0.9, 0.999), (0.9, 0.999)],
     [(0.9, 0.999), (0.9, 0.999)], [(0.9, 0.999), (0.9, 0.999)], [(0.9, 0.999), (0.9, 0.999)],
     [(0.9, 0.999), (0.9, 0.999)], [(0.9, 0.999), (0.9, 0.999)], [(0.9, 0.999), (0.9, 0.999)]]),
    (optim.AdamW, {}, {'max_lr': 0.3, 'total_steps': 7, 'pct_start': 0.25, 'div_factor': 10.0,
                       'final_div_factor': 100.0},
     [[0.02999999999999997, 0.02999999999999997], [0.2983262993098355, 0.2983262993098355],
     [0.25999782299369945, 0.25999782299369945], [0.18349476195335368, 0.18349476195335368],
     [0.09540364749869569, 0.09540364749869569], [0.026338119668748196, 0.026338119668748196],
     [0.0003, 0.0003], [0.02633811966874816, 0.02633811966874816]],
     [[(0.95, 0.999), (0.95, 0.999)], [(0.8505584586887436, 0.999), (0.8505584586887436, 0.999)],
     [(0.8633474064085087, 0.999), (0.8633474064085087, 0.999)], [(0.8888739533021842, 0.999),
     (0.8888739533021842, 0.999)], [(0.9182670512183198, 0.999), (0.9182670512183198, 0.999)],
     [(0.9413119387157997, 0.999), (0.9413119387157997, 0.999)], [(0.95, 0.999), (0.95, 0.999)],
     [(0.9413119387157997, 0.999), (0.9413119387157997, 0.999)]]),
    (optim.SGD, {'momentum': 0.9}, {'max_lr': 0.5, 'total_steps': 6, 'cycle_momentum': False},
     [[0.020000000000000018, 0.020000000000000018], [0.49720771772545586, 0.49720771772545586],
     [0.4058728269748815, 0.4058728269748815], [0.23131855133348753, 0.23131855133348753],
     [0.0667387650944153, 0.0667387650944153], [2e-06, 2e-06], [0.06673876509441527,
     0.06673876509441527]],
     [[0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9], [0.9, 0.9]]),
]
# torch 2.13: SequentialLR(optimizer, schedulers, milestones), get_last_lr() as in SEQUENCES.
SEQUENTIAL = [  # (schedulers on the optimizer, milestones, lrs)
    (lambda o: [lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2),
                lr_scheduler.ExponentialLR(o, 0.9)], [3],
     [[0.010000000000000002, 0.005000000000000001], [0.010000000000000002, 0.005000000000000001],
     [0.10000000000000002, 0.05000000000000001], [0.1, 0.05], [0.09000000000000001,
     0.045000000000000005], [0.08100000000000002, 0.04050000000000001], [0.07290000000000002,
     0.03645000000000001], [0.06561000000000002, 0.03280500000000001], [0.05904900000000002,
     0.02952450000000001]]),
    (lambda o: [lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=2),
                lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
                lr_scheduler.StepLR(o, 2, 0.5)], [3, 7],
     [[0.05, 0.025], [0.07500000000000001, 0.037500000000000006], [0.1, 0.05], [0.1, 0.05],
     [0.08681980515339464, 0.044142135623730955], [0.05500000000000001, 0.03],
     [0.023180194846605363, 0.01585786437626905], [0.1, 0.05], [0.1, 0.05], [0.05, 0.025], [0.05,
     0.025], [0.025, 0.0125], [0.025, 0.0125]]),
    (lambda o: [lr_scheduler.MultiStepLR(o, [0, 1, 1], 0.5),
                lr_scheduler.PolynomialLR(o, total_iters=3, power=0.5),
                lr_scheduler.MultiplicativeLR(o, lambda e: 0.9),
                lr_scheduler.ConstantLR(o, factor=0.25, total_iters=2)], [2, 5, 8],
     [[0.05, 0.025], [0.0125, 0.00625], [0.1, 0.05], [0.08164965809277261, 0.040824829046386304],
     [0.05773502691896258, 0.02886751345948129], [0.051961524227066326, 0.025980762113533163],
     [0.0467653718043597, 0.02338268590217985], [0.04208883462392373, 0.021044417311961865],
     [0.025, 0.0125], [0.025, 0.0125], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05]]),
    (lambda o: [lr_scheduler.ExponentialLR(o, 0.5),
                lr_scheduler.CosineAnnealingLR(o, T_max=3, eta_min=0.01),
                lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=2),
                lr_scheduler.ExponentialLR(o, 0.9)], [2, 4, 6],
     [[0.1, 0.05], [0.05, 0.025], [0.1, 0.05], [0.0775, 0.04], [0.05, 0.025], [0.07500000000000001,
     0.037500000000000006], [0.1, 0.05], [0.09000000000000001, 0.045000000000000005],
     [0.08100000000000002, 0.04050000000000001], [0.07290000000000002, 0.03645000000000001]]),
    (lambda o: [lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, eta_min=0.01),
                lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 2))], [5],
     [[0.1, 0.05], [0.05500000000000001, 0.03], [0.1, 0.05], [0.05500000000000001, 0.03], [0.1,
     0.05], [0.05, 0.025], [0.03333333333333333, 0.016666666666666666], [0.025, 0.0125],
     [0.020000000000000004, 0.010000000000000002]]),
]
# torch 2.13: ChainedScheduler(schedulers), get_last_lr() as in SEQUENCES.
CHAINED_SCHEDULERS = [  # (schedulers on the optimizer, lrs)
    (lambda o: [lr_scheduler.ConstantLR(o, factor=0.1, total_iters=3),
                lr_scheduler.ExponentialLR(o, 0.9)],
     [[0.010000000000000002, 0.005000000000000001], [0.009000000000000003, 0.004500000000000001],
     [0.008100000000000003, 0.0040500000000000015], [0.07290000000000003, 0.03645000000000002],
     [0.06561000000000003, 0.032805000000000015], [0.059049000000000025, 0.029524500000000013],
     [0.05314410000000002, 0.02657205000000001], [0.04782969000000002, 0.02391484500000001]]),
    (lambda o: [lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=4),
                lr_scheduler.MultiStepLR(o, [2, 5], 0.5),
                lr_scheduler.CosineAnnealingLR(o, T_max=6)],
     [[0.020000000000000004, 0.010000000000000002], [0.037320508075688784, 0.018660254037844392],
     [0.022500000000000003, 0.011250000000000001], [0.02, 0.01], [0.012500000000000006,
     0.006250000000000003], [0.0016746824526945162, 0.0008373412263472581], [0.0, 0.0],
     [0.006698729810778065, 0.0033493649053890325], [0.025, 0.0125]]),
]


def _optimizer(kind=optim.SGD, **kwargs):
    a, b = ae.zeros(1, requires_grad=True), ae.zeros(1, requires_grad=True)
    return kind([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, **kwargs)


def _run(opt, scheduler, steps):
    """get_last_lr() after construction and after each of ``steps`` optimizer/scheduler steps."""
    seen = [scheduler.get_last_lr()]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr())
    return seen


@pytest.mark.parametrize("name,kwargs,expected", SEQUENCES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(SEQUENCES)])
def test_sequence_equals_torch(name, kwargs, expected):
    opt = _optimizer()
    scheduler = getattr(lr_scheduler, name)(opt, **kwargs)
    seen = [scheduler.get_last_lr()]
    for _ in range(len(expected) - 1):
        opt.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr())
    assert seen == expected
    assert scheduler.last_epoch == len(expected) - 1
    assert [g["lr"] for g in opt.param_groups] == expected[-1]


def test_schedulers_chain_on_one_optimizer():
    opt = _optimizer()
    warmup = lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.8)
    seen = [decay.get_last_lr()]
    for _ in range(6):
        warmup.step()
        decay.step()
        seen.append(decay.get_last_lr())
    assert seen == CHAINED


@pytest.mark.parametrize("kwargs,expected", PLATEAUS, ids=["min-rel", "max-abs", "defaults"])
def test_reduce_on_plateau_equals_torch(kwargs, expected):
    opt = _optimizer()
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    seen = []
    for metric in METRICS:
        scheduler.step(ae.tensor(np.float64(metric)))  # a 0-d tensor works as a float
        seen.append(scheduler.get_last_lr())
    assert seen == expected


def test_cosine_reaches_eta_min_at_t_max():
    opt = _optimizer()
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.001)
    for _ in range(10):
        scheduler.step()
    assert scheduler.get_last_lr() == pytest.approx([0.001, 0.001], abs=1e-15)
    closed = 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * 3 / 10)) / 2
    opt2 = _optimizer()
    resumed = lr_scheduler.CosineAnnealingLR(opt2, T_max=10, eta_min=0.001)
    for _ in range(3):
        resumed.step()
    assert resumed.get_last_lr()[0] == pytest.approx(closed, rel=1e-12)


def test_state_dict_and_base_lrs():
    opt = _optimizer()
    scheduler = lr_scheduler.StepLR(opt, step_size=2)
    scheduler.step()
    state = scheduler.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 1 and state["step_size"] == 2
    assert scheduler.base_lrs == [0.1, 0.05]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
    other = lr_scheduler.StepLR(_optimizer(), step_size=5)
    other.load_state_dict(state)
    assert other.step_size == 2 and other.last_epoch == 1


def test_invalid_arguments():
    opt = _optimizer()
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        lr_scheduler.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="Ending multiplicative factor"):
        lr_scheduler.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode maximum is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="maximum")
    with pytest.raises(ValueError, match="threshold mode relative is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="relative")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 3"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0, 0, 0])
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.ExponentialLR(opt, gamma=0.5, last_epoch=3)


@pytest.mark.parametrize("kwargs,epochs,lrs,states", WARM_EPOCHS, ids=["T_mult-2", "T_mult-1"])
def test_warm_restarts_explicit_epochs_equal_torch(kwargs, epochs, lrs, states):
    opt = _optimizer()
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(opt, **kwargs)
    seen, seen_states = [], []
    for epoch in epochs:
        opt.step()
        scheduler.step(epoch)
        seen.append(scheduler.get_last_lr())
        seen_states.append((scheduler.last_epoch, scheduler.T_cur, scheduler.T_i))
    np.testing.assert_allclose(seen, lrs, rtol=1e-12, atol=0)
    np.testing.assert_allclose(seen_states, states, rtol=1e-12, atol=0)
    assert all(isinstance(last_epoch, int) for last_epoch, _, _ in seen_states)


@pytest.mark.parametrize("kind,opt_kwargs,kwargs,lrs,momenta", ONE_CYCLE,
                         ids=["sgd", "adam-three-phase-linear", "adamw", "no-momentum"])
def test_one_cycle_equals_torch(kind, opt_kwargs, kwargs, lrs, momenta):
    opt = _optimizer(kind, **opt_kwargs)
    scheduler = lr_scheduler.OneCycleLR(opt, **kwargs)
    key = "betas" if "betas" in opt.defaults else "momentum"
    seen, seen_momenta = [scheduler.get_last_lr()], [[g[key] for g in opt.param_groups]]
    for _ in range(len(lrs) - 1):
        opt.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr())
        seen_momenta.append([g[key] for g in opt.param_groups])
    np.testing.assert_allclose(seen, lrs, rtol=1e-12, atol=0)
    np.testing.assert_allclose(seen_momenta, momenta, rtol=1e-12, atol=0)
    assert all(type(m) is type(momenta[0][0]) for row in seen_momenta for m in row)


def test_one_cycle_raises_when_stepped_past_total_steps():
    scheduler = lr_scheduler.OneCycleLR(_optimizer(), max_lr=0.5, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match=re.escape(
            "Tried to step 4 times. The specified number of total steps is 3")):
        scheduler.step()
    assert scheduler.last_epoch == 4


@pytest.mark.parametrize("make,milestones,expected", SEQUENTIAL,
                         ids=["constant-exponential", "linear-cosine-step",
                              "multistep-poly-multiplicative-constant",
                              "exponential-cosine-linear-exponential", "warm-restarts-lambda"])
def test_sequential_equals_torch(make, milestones, expected):
    opt = _optimizer()
    scheduler = lr_scheduler.SequentialLR(opt, make(opt), milestones)
    np.testing.assert_allclose(_run(opt, scheduler, len(expected) - 1), expected, rtol=1e-12,
                               atol=0)
    assert scheduler.last_epoch == len(expected) - 1


@pytest.mark.parametrize("make,expected", CHAINED_SCHEDULERS,
                         ids=["constant-exponential", "linear-multistep-cosine"])
def test_chained_scheduler_equals_torch(make, expected):
    opt = _optimizer()
    scheduler = lr_scheduler.ChainedScheduler(make(opt))
    np.testing.assert_allclose(_run(opt, scheduler, len(expected) - 1), expected, rtol=1e-12,
                               atol=0)


@pytest.mark.parametrize("name,kwargs", [
    ("StepLR", {"step_size": 3, "gamma": 0.5}), ("MultiStepLR", {"milestones": [2, 5, 5]}),
    ("ExponentialLR", {"gamma": 0.9}), ("CosineAnnealingLR", {"T_max": 5, "eta_min": 0.01}),
    ("LinearLR", {"start_factor": 0.5, "end_factor": 0.9, "total_iters": 4}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 3}),
    ("PolynomialLR", {"total_iters": 6, "power": 2.0})])
def test_closed_form_agrees_with_the_chainable_form(name, kwargs):
    """SequentialLR restarts a scheduler at a milestone with its closed form, which must not
    depend on the groups' current lr (``probe``'s stay at their construction values)."""
    scheduler = getattr(lr_scheduler, name)(_optimizer(), **kwargs)
    probe = getattr(lr_scheduler, name)(_optimizer(), **kwargs)
    for epoch in range(12):
        probe.last_epoch = epoch
        np.testing.assert_allclose(probe._closed_form_lr(), scheduler.get_last_lr(),
                                   rtol=1e-12, atol=0)
        scheduler.step()


class _Power:
    """A callable object: LambdaLR's state dict keeps its attributes."""

    def __init__(self, base):
        self.base = base

    def __call__(self, epoch):
        return self.base ** epoch


def test_lambda_state_dict_keeps_callable_objects_only():
    scheduler = lr_scheduler.LambdaLR(_optimizer(), [_Power(0.9), lambda e: 1.0])
    scheduler.step()
    state = scheduler.state_dict()
    assert "optimizer" not in state and state["lr_lambdas"] == [{"base": 0.9}, None]
    scheduler.lr_lambdas[0].base = 0.7  # the state dict holds a copy
    other = lr_scheduler.LambdaLR(_optimizer(), [_Power(0.5), lambda e: 1.0])
    other.load_state_dict(state)
    assert state["lr_lambdas"] == [{"base": 0.9}, None]  # loading leaves it intact
    assert other.lr_lambdas[0].base == 0.9 and other.last_epoch == 1
    other.step()
    assert other.get_last_lr() == pytest.approx([0.1 * 0.9 ** 2, 0.05], rel=1e-12)


RESUMABLE = {  # schedulers built on an SGD optimizer with momentum
    "LambdaLR": lambda o: lr_scheduler.LambdaLR(o, [_Power(0.9), lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda o: lr_scheduler.MultiplicativeLR(o, _Power(0.95)),
    "CosineAnnealingWarmRestarts":
        lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "OneCycleLR": lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=12),
    "SequentialLR": lambda o: lr_scheduler.SequentialLR(
        o, [lr_scheduler.LinearLR(o, total_iters=3),
            lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2)], [3]),
    "ChainedScheduler": lambda o: lr_scheduler.ChainedScheduler(
        [lr_scheduler.ConstantLR(o, factor=0.5), lr_scheduler.PolynomialLR(o, total_iters=10)]),
}


@pytest.mark.parametrize("name", list(RESUMABLE))
def test_state_dict_resumes_the_schedule(name):
    opt, resumed_opt = _optimizer(momentum=0.9), _optimizer(momentum=0.9)
    scheduler, resumed = RESUMABLE[name](opt), RESUMABLE[name](resumed_opt)
    _run(opt, scheduler, 4)
    state = scheduler.state_dict()
    assert "optimizer" not in state
    assert all("optimizer" not in inner for inner in state.get("_schedulers", []))
    resumed_opt.load_state_dict(opt.state_dict())
    resumed.load_state_dict(state)
    for _ in range(6):
        scheduler.step()
        resumed.step()
        assert resumed.get_last_lr() == scheduler.get_last_lr()
        assert ([g["momentum"] for g in resumed_opt.param_groups]
                == [g["momentum"] for g in opt.param_groups])


INVALID = [  # (id, exception, torch 2.13's message, construction from an optimizer)
    ("lambda-count", ValueError, "Expected 2 lr_lambdas, but got 1",
     lambda o: lr_scheduler.LambdaLR(o, [lambda e: 1.0])),
    # torch's LambdaLR fails later with "'float' object is not callable" (a TypeError too)
    ("lambda-callable", TypeError, "lr_lambda should be a function, but got float",
     lambda o: lr_scheduler.LambdaLR(o, 0.5)),
    ("multiplicative-count", ValueError, "Expected 2 lr_lambdas, but got 3",
     lambda o: lr_scheduler.MultiplicativeLR(o, (lambda e: 1.0,) * 3)),
    ("multiplicative-callable", TypeError, "lr_lambda should be a function, but got float",
     lambda o: lr_scheduler.MultiplicativeLR(o, [lambda e: 1.0, 0.9])),
    ("constant-factor", ValueError, "Constant multiplicative factor expected to be between 0 "
     "and 1", lambda o: lr_scheduler.ConstantLR(o, factor=1.5)),
    ("constant-negative", ValueError, "Constant multiplicative factor expected to be between "
     "0 and 1", lambda o: lr_scheduler.ConstantLR(o, factor=-0.1)),
    ("warm-T_0", ValueError, "Expected positive integer T_0, but got 0",
     lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0)),
    ("warm-T_0-float", ValueError, "Expected positive integer T_0, but got 2.5",
     lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2.5)),
    ("warm-T_mult", ValueError, "Expected integer T_mult >= 1, but got 0",
     lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0)),
    ("warm-T_mult-float", ValueError, "Expected integer T_mult >= 1, but got 1.5",
     lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5)),
    ("warm-eta_min", ValueError, "Expected float or int eta_min, but got 0 of type <class 'str'>",
     lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0")),
    ("warm-epoch", ValueError, "Expected non-negative epoch, but got -1",
     lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2).step(-1)),
    ("cycle-optimizer", TypeError, "object is not an Optimizer",
     lambda o: lr_scheduler.OneCycleLR(object(), 0.1, total_steps=10)),
    ("cycle-total_steps", ValueError, "Expected positive integer total_steps, but got 0",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=0)),
    ("cycle-total_steps-float", ValueError, "Expected positive integer total_steps, but got 10.0",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10.0)),
    ("cycle-epochs", ValueError, "Expected positive integer epochs, but got 0",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=3)),
    ("cycle-steps_per_epoch", ValueError, "Expected positive integer steps_per_epoch, but got -1",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, epochs=2, steps_per_epoch=-1)),
    ("cycle-no-steps", ValueError,
     "You must define either total_steps OR (epochs AND steps_per_epoch)",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, epochs=2)),
    ("cycle-pct_start", ValueError, "Expected float between 0 and 1 pct_start, but got 1.5",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5)),
    ("cycle-pct_start-int", ValueError, "Expected float between 0 and 1 pct_start, but got 1",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, pct_start=1)),
    ("cycle-anneal", ValueError,
     "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="exp")),
    ("cycle-max_lr-count", ValueError, "max_lr must have the same length as "
     "optimizer.param_groups. max_lr has 3 values, param_groups has 2.",
     lambda o: lr_scheduler.OneCycleLR(o, [0.1, 0.2, 0.3], total_steps=10)),
    ("cycle-momentum-count", ValueError, "max_momentum must have the same length as "
     "optimizer.param_groups. max_momentum has 1 values, param_groups has 2.",
     lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10, max_momentum=[0.9])),
    ("cycle-no-momentum", ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled",
     lambda o: lr_scheduler.OneCycleLR(optim.Adagrad([ae.zeros(1)]), 0.1, total_steps=10)),
    ("sequential-empty", ValueError,
     "SequentialLR expects at least one scheduler, but got no scheduler.",
     lambda o: lr_scheduler.SequentialLR(o, [], [])),
    ("sequential-no-optimizer", TypeError,
     "SequentialLR at index 0 should have `optimizer` as its attribute.",
     lambda o: lr_scheduler.SequentialLR(o, [object()], [])),
    ("sequential-plateau", ValueError,
     "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires additional "
     "kwargs to be specified when calling `step`, but got one at index 0 in the given "
     "schedulers sequence.",
     lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ReduceLROnPlateau(o)], [])),
    ("sequential-other-optimizer", ValueError,
     "SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler "
     "ExponentialLR at index 0 has",
     lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ExponentialLR(_optimizer(), 0.9)],
                                         [])),
    ("sequential-milestones", ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more than the "
     "number of milestone points, but got number of schedulers 1 and the number of milestones "
     "to be equal to 1",
     lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ExponentialLR(o, 0.9)], [2])),
    ("chained-empty", ValueError,
     "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.",
     lambda o: lr_scheduler.ChainedScheduler([])),
    ("chained-plateau", ValueError,
     "ChainedScheduler does not support `ReduceLROnPlateau` scheduler as it requires "
     "additional kwargs to be specified when calling `step`, but got one at index 1",
     lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.ExponentialLR(o, 0.9),
                                              lr_scheduler.ReduceLROnPlateau(o)])),
    ("chained-other-optimizer", ValueError,
     "ChainedScheduler expects all schedulers to belong to the same optimizer, but got "
     "scheduler ExponentialLR at index 0 has",
     lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.ExponentialLR(o, 0.9)],
                                             optimizer=_optimizer())),
]


@pytest.mark.parametrize("error,message,make", [case[1:] for case in INVALID],
                         ids=[case[0] for case in INVALID])
def test_new_schedulers_reject_invalid_arguments_as_torch(error, message, make):
    with pytest.raises(error, match=re.escape(message)):
        make(_optimizer())
