"""torch.linalg's decompositions and what is built on them (svd, eigh, qr, cholesky, pinv,
matrix_rank, lstsq, matrix_power, matrix_exp, cond, the spectral matrix norms), det's gradient
at singular matrices and torch's older svd/qr/cholesky/pinverse: torch 2.13's values,
gradients (first and second order) and errors written out as literals (no torch needed).

Singular vectors and eigenvectors are defined up to sign, and LAPACK builds choose the signs
differently, so they are compared through gauge-invariant quantities (|U|, U diag(S) Vh)."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck

nan = math.nan
A32 = [[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]
SPD = [[4.0, 1.0, 2.0], [1.0, 3.0, 0.0], [2.0, 0.0, 5.0]]
NS = [[4.0, 1.0, 2.0], [7.0, 3.0, 0.0], [-2.0, 8.0, 5.0]]
RANKDEF = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
M = [[0.5, -1.0], [2.0, 0.25]]
W22 = [[1.0, 2.0], [3.0, 4.0]]
W32 = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
W23 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
W33 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]

# -- torch 2.13's results (float64 unless named F32_) ---------------------------------------
SVD_S = [10.191428257097222, 0.3671376859438993]
SVD_ABS_U = [[0.21678389566179884, 0.9389228781711106], [0.4904541352657367, 0.3414639048912723],
             [0.8440731507295045, 0.04273441825135215]]
SVD_ABS_VH = [[0.5797530930948656, 0.8147922134182041], [0.8147922134182041, 0.5797530930948656]]
SVD_FULL_SHAPES = [[3, 3], [2], [2, 2]]
SVD_GRAD_S = [[-1.4043729662249775, 1.2653207157741682], [0.8407865636790443, 0.003688700371348649],
              [0.558993362406076, 0.6381934084441081]]
SVD_GRAD_ABS_U = [[0.015608265547784383, 0.7014311864267975], [-1.0824429104572912, 0.5110631508127977],
                  [0.6034494283214588, -0.46180595026971266]]
SVD_GRAD_ABS_VH_WIDE = [[0.2037664973407209, 0.6309284386903607], [-0.6047811510754451, 0.1770746413132235],
                        [0.2759231807028684, -0.2484563414660492]]
SVD_GRAD_RECON = [[1.9999999999999978, 3.999999999999998], [5.999999999999998, 7.999999999999999],
                  [9.999999999999998, 14.0]]
SVD_GRAD_FULL_U = [[0.09652679810681598, 0.13787338736103213], [-0.010514945235639884, -0.009770161941779983],
                   [-0.024395362742187936, -0.025667325091985785]]
SVD_GRAD_SVDVALS_2ND = [[-52.00460812368267, 64.89988864128742], [53.51898928829348, 25.033370452904144],
                        [54.27617987059871, 70.00000000000006]]
EIGH_L = [1.854897308799577, 3.4760236029181337, 6.669079088282288]
EIGH_ABS_V = [[0.6793130619863371, 0.3743619547830716, 0.6311789687764832],
              [0.5932333119173848, 0.7864356987513784, 0.17202653679290805],
              [0.43198148275855286, 0.4912962635115684, 0.7563200248659911]]
EIGH_U_NS = [1.8548973087995773, 3.4760236029181333, 6.669079088282289]
EIGH_L_NS = [-7.86084584366946, 6.396267873661027, 13.464577970008435]
EIGH_GRAD_L = [[1.9369206544404922, 0.5115706696860315, 0.7708239571340308],
               [0.5115706696860315, 1.6776673669924922, -0.12615869111901656],
               [0.770823957134031, -0.1261586911190166, 2.3854119785670154]]
EIGH_GRAD_L_NS_U = [[1.9369206544404916, 0.5115706696860319, 0.7708239571340305],
                    [0.5115706696860319, 1.677667366992493, -0.12615869111901667],
                    [0.7708239571340304, -0.1261586911190167, 2.3854119785670145]]
EIGH_GRAD_ABS_V = [[0.5757938902753872, 0.5848521303931729, -0.20444717077241717],
                   [0.584852130393173, -0.11193915628935511, 0.4129188687519875],
                   [-0.20444717077241722, 0.4129188687519875, -0.46385473398603205]]
EIGH_GRAD_2ND = [[-2.416854838138475, -2.051231383871753, 0.8961501730042326],
                 [-2.051231383871753, 2.6174318787038384, -1.1092454415022357],
                 [0.8961501730042327, -1.1092454415022357, -0.20057704056536377]]
QR_Q = [[-0.16903085094570325, 0.9486832980505134], [-0.50709255283711, -0.3162277660168383],
        [-0.8451542547285166, 3.123505836538743e-16]]
QR_R = [[-5.916079783099615, -8.282511696339462], [0.0, 0.6324555320336759]]
QR_WIDE_Q = [[-0.44721359549995787, -0.8944271909999157], [-0.8944271909999157, 0.4472135954999581]]
QR_WIDE_R = [[-2.23606797749979, -4.919349550499537, -8.497058314499197],
             [0.0, -0.8944271909999153, -1.341640786499871]]
QR_COMPLETE_Q = [[-0.16903085094570325, 0.9486832980505134, -0.2672612419124251],
                 [-0.50709255283711, -0.3162277660168383, -0.8017837257372729],
                 [-0.8451542547285166, 3.123505836538743e-16, 0.5345224838248488]]
QR_COMPLETE_R = [[-5.916079783099615, -8.282511696339462], [0.0, 0.6324555320336759], [0.0, 0.0]]
QR_R_ONLY = [[-5.916079783099615, -8.282511696339462], [0.0, 0.6324555320336759]]
QR_GRAD_TALL = [[-6.908989291145072, 4.021363929626427], [-0.8353029618589267, -0.5850188517942287],
                [0.6997636787244477, -2.8196933880885946]]
QR_GRAD_TALL_R = [[-5.684494341163422, 3.456671490310647], [1.3313952772354654, -2.279096169741573],
                  [-0.8451542547285189, -1.6903085094570316]]
QR_GRAD_WIDE = [[27.906128359197368, -15.071098168348582], [-5.3665631459994945, 0.447213595499959],
                [-6.708203932499368, 1.3322676295501878e-15]]
QR_GRAD_WIDE_COMPLETE_Q = [[0.44721359549995787, -0.22360679774997907], [-0.0, -0.0], [0.0, 0.0]]
QR_GRAD_2ND = [[20.08110933661532, -15.621358421072344], [-122.22137700762937, 83.27432256529643],
               [65.88430811208259, -44.397592121087484]]
CHOL_L = [[2.0, 0.0, 0.0], [0.5, 1.6583123951777, 0.0],
          [1.0, -0.30151134457776363, 1.9771421064483223]]
CHOL_U = [[2.0, 0.5, 1.0], [0.0, 1.6583123951777, -0.30151134457776363],
          [0.0, 0.0, 1.9771421064483223]]
CHOL_GRAD = [[0.5268158280178374, -0.9182952884530999, -0.09448401180912519],
             [-0.9182952884530997, 2.021358758799116, 2.8259111975066413],
             [-0.09448401180912513, 2.8259111975066413, 2.27601242486493]]
CHOL_GRAD_UPPER = [[0.9942076251703704, -1.0893738216409943, -0.9437283395202435],
                   [-1.0893738216409943, 1.9117182698617479, 2.2228885083511147],
                   [-0.9437283395202436, 2.2228885083511143, 2.27601242486493]]
CHOL_GRAD_2ND = [[-5.193457932774636, 8.630351175497331, 5.007863874370007],
                 [8.630351175497331, -10.879788979476526, -8.950419803060791],
                 [5.007863874370007, -8.950419803060793, -2.219710601692479]]
CHOL_EX_L = [[[2.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.5, 4.0, 9.0]],
             [[2.0, 0.0, 0.0], [0.5, 1.6583123951777, 0.0],
              [1.0, -0.30151134457776363, 1.9771421064483223]],
             [[1.0, 0.0, 0.0], [2.0, -3.0, 0.0], [3.0, 4.0, 9.0]]]
CHOL_EX_INFO = [2, 0, 2]
CHOL_EX_U = [[[2.0, 1.0, 1.5], [0.0, 0.0, 4.0], [0.0, 0.0, 9.0]],
             [[2.0, 0.5, 1.0], [0.0, 1.6583123951777, -0.30151134457776363],
              [0.0, 0.0, 1.9771421064483223]],
             [[1.0, 2.0, 3.0], [0.0, -3.0, 4.0], [0.0, 0.0, 9.0]]]
CHOL_EX_U_INFO = [2, 0, 2]
PINV_RANKDEF = [[-0.6388888888888881, -0.1666666666666659, 0.30555555555555486],
                [-0.0555555555555561, -1.0050103926709997e-16, 0.05555555555555577],
                [0.5277777777777773, 0.16666666666666613, -0.19444444444444395]]
PINV_A32 = [[-2.071428571428571, 0.7857142857142867, 0.1428571428571422],
            [1.4999999999999993, -0.5000000000000006, 5.024247188704842e-16]]
PINV_HERM = [[-0.4750000000000008, 0.5000000000000013, -0.07500000000000061],
             [0.5000000000000013, -1.0000000000000027, 0.5000000000000013],
             [-0.07500000000000058, 0.5000000000000013, -0.2750000000000007]]
PINV_ATOL = [[0.05379873786153724, 0.09993667517604202, -0.037955551769101835],
             [0.015919375436246344, 0.021350451971550517, 0.0815831581544952],
             [0.003566191756860186, 0.0016260693318905471, 0.053913767736554624]]
PINV_RTOL = [[0.05379873786153724, 0.09993667517604202, -0.037955551769101835],
             [0.015919375436246344, 0.021350451971550517, 0.0815831581544952],
             [0.003566191756860186, 0.0016260693318905471, 0.053913767736554624]]
PINV_RCOND = [[0.05379873786153724, 0.09993667517604202, -0.037955551769101835],
              [0.015919375436246344, 0.021350451971550517, 0.0815831581544952],
              [0.003566191756860186, 0.0016260693318905471, 0.053913767736554624]]
PINVERSE = [[0.05379873786153724, 0.09993667517604202, -0.037955551769101835],
            [0.015919375436246344, 0.021350451971550517, 0.0815831581544952],
            [0.003566191756860186, 0.0016260693318905471, 0.053913767736554624]]
PINV_GRAD = [[3.7040816326530464, -3.2142857142857064], [-5.887755102040826, 4.357142857142863],
             [2.8061224489795644, -2.071428571428551]]
PINV_GRAD_WIDE = [[1.785714285714278, -1.14285714285713], [-2.3571428571428488, 1.571428571428563],
                  [0.857142857142855, -0.7142857142857131]]
PINV_GRAD_2ND = [[739.370262390666, -554.4183673469353], [-263.6239067055425, 179.03061224490006],
                 [-5.750728862980637, 16.214285714290668]]
RANKS = [2, 3, 3, 2, 1, 1, 2]
RANKS_BATCH_ATOL = [2, 0]
LSTSQ_X = [[-1.9285714285714273, 0.9285714285714288], [1.4999999999999991, -0.5000000000000001]]
LSTSQ_RANK = 2
LSTSQ_RES = [0.07142857142857108, 0.07142857142857126]
LSTSQ_SV = [10.191428257097222, 0.36713768594389923]
LSTSQ_GELS_RES = [0.07142857142857108]
LSTSQ_RANKDEF_X = [[0.05714285714285714, 0.07142857142857144], [0.11428571428571421, 0.14285714285714282]]
LSTSQ_RANKDEF_RANK = 1
LSTSQ_WIDE_X = [[-2.0714285714285716, 1.5], [0.7857142857142899, -0.500000000000003],
                [0.1428571428571406, 1.6048120042739565e-15]]
LSTSQ_GRAD_A = [[3.061224489795916, -2.785714285714282], [-0.6734693877551041, 0.642857142857145],
                [-0.1938775510204128, 0.0714285714285745]]
LSTSQ_GRAD_B = [[2.428571428571427, 1.857142857142855], [-0.714285714285715, -0.4285714285714288],
                [0.1428571428571437, 0.2857142857142864]]
LSTSQ_RES_GRAD_A = [[-0.5408163265306075, 0.35714285714285343], [-1.622448979591828, 1.0714285714285647],
                    [1.0816326530612481, -0.7142857142857313]]
LSTSQ_RES_GRAD_B = [[-0.14285714285714057, 0.28571428571428514], [-0.4285714285714253, 0.8571428571428541],
                    [0.28571428571429536, -0.5714285714285765]]
MPOW = {-3: [[-0.20679829025035618, -0.16283329940972927],
             [0.32566659881945853, -0.2475066151027885]],
        -1: [[0.11764705882352941, 0.47058823529411764],
             [-0.9411764705882353, 0.23529411764705882]],
        0: [[1.0, 0.0], [0.0, 1.0]],
        1: [[0.5, -1.0], [2.0, 0.25]],
        2: [[-1.75, -0.75], [1.5, -1.9375]],
        3: [[-2.375, 1.5625], [-3.125, -1.984375]],
        5: [[6.5, -1.24609375], [2.4921875, 6.1884765625]],
        6: [[0.7578125, -6.8115234375], [13.623046875, -0.945068359375]]}
MPOW_GRAD = {-3: [[-1.8917398019659726, -0.7976915985201327], [1.0501789968989836, -1.262820129069336]],
             0: [[0.0, 0.0], [0.0, 0.0]],
             1: [[1.0, 2.0], [3.0, 4.0]],
             5: [[-3.875, -85.2265625], [47.59765625, 10.828125]]}
MEXP = [[0.36226490219378626, -1.0193334439337247], [2.0386668878674494, 0.10743154121035436]]
MEXP_NS = [[3.7187608413255897, 2.089053611976766, 1.6860390093868975],
           [4.655102425570824, 3.4097559540392752, 1.2460341072833172],
           [3.298097419746371, 5.854131675202362, 3.9387632923773777]]
MEXP_BIG = [[19809461.870923534, 16859084.458719485, 10047971.6949411],
            [23332802.321044914, 19857661.142559666, 11835098.611248933],
            [37292422.75005463, 31738244.914586574, 18915898.41276961]]
MEXP_GRAD = [[1.3137711671260284, 8.568409474132485], [-0.20687096133134175, 3.55555367564408]]
MEXP_GRAD_2ND = [[68.34776382915626, 108.50404140513564], [47.858822418914045, 107.30902243285138]]
COND = {'-1': 1.174496644295302,
        '-2': 0.17940409132521518,
        '-inf': 1.5033557046979866,
        '1': 9.771812080536913,
        '2': 5.574008890283599,
        'None': 5.574008890283599,
        'fro': 7.573753393274787,
        'inf': 10.167785234899327,
        'nuc': 15.598296751803213}
COND_RECT = {'-2': 0.03602416429593446, '2': 27.75914499459619, 'None': 27.75914499459619}
COND_SINGULAR = {'-1': 1.5132094747964864e+17,
                 '1': 4.539628424389457e+17,
                 'fro': 3.1932395156235674e+17,
                 'inf': 6.052837899185946e+17}
COND_GRAD = {'-2': [[0.007410525484926263, -0.049020622359419536, 0.07167928200668851],
                    [-0.006185130747340396, 0.019021517375490477, -0.044734591534951865],
                    [-0.003709988880414016, -0.011053545004418824, -0.011348059642845746]],
             'None': [[-0.23024187815078334, 1.5230499082839795, -2.227044836063178],
                      [0.19216938431323416, -0.5909904627842008, 1.3898847516638608],
                      [0.115267778173432, 0.34342894673506713, 0.3525793914143608]],
             'nuc': [[-0.2335825731967094, 2.553285087819948, -3.9910974111040436],
                     [0.6678306640901557, -1.2186695967016665, 2.286062095711963],
                     [-0.09529534876492392, 0.33745327270687825, 0.4908434578928042]]}
MNORM = {'-2': 0.36713768594389934, '2': 10.191428257097222, 'nuc': 10.55856594304112}
MNORM_KEEPDIM = {'-2': [[[1.9673060273572904], [1.4585029681372148], [1.1393227303253624]]],
                 '2': [[[27.278740934924468], [36.7950101113172], [47.10309908823583]]],
                 'nuc': [[[29.24604696228176], [38.253513079454414], [48.24242181856119]]]}
MNORM_GRAD = {'-2': [[-0.76502705013403, 0.544343442797235], [0.2782221308687829, -0.1979647550409661],
                     [0.03481967123615852, -0.024775411162831086]],
              '2': [[0.12568113404308248, 0.17663383017969808],
                    [0.28434230194147847, 0.3996182104532809],
                    [0.48935401993375893, 0.6877442307697703]],
              'nuc': [[-0.6393459160909475, 0.7209772729769331],
                      [0.5625644328102614, 0.20165345541231477],
                      [0.5241736911699174, 0.6629688196069392]]}
MNORM_TIE_GRAD = [[0.5, 0.0], [0.0, 0.5]]
NORM_NUC_DIM = [29.246046962281756, 38.253513079454414, 48.24242181856121]
DET_SING_2_G1 = [[0.0, -0.0], [-0.0, 0.0]]
DET_SING_2_CG = [[4.000000000000001, -2.0000000000000004], [-2.000000000000001, 1.0000000000000007]]
DET_SING_2_G2 = [[5.0, -3.9999999999999996], [-2.0, 1.0]]
DET_SING_3_G1 = [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
DET_SING_3_CG = [[-2.9999999999999973, 5.99999999999999, -2.999999999999993],
                 [6.000000000000014, -12.000000000000012, 5.999999999999999],
                 [-3.00000000000001, 6.000000000000011, -3.0000000000000018]]
DET_SING_3_G2 = [[-5.999999999999993, 11.999999999999982, -5.99999999999999],
                 [12.000000000000012, -24.000000000000007, 11.999999999999996],
                 [-6.00000000000001, 12.000000000000009, -6.0]]
DET_SING_R1_G1 = [[0.0, 0.0], [0.0, 0.0]]
DET_SING_R1_CG = [[0.0, 0.0], [0.0, 1.0]]
DET_SING_R1_G2 = [[5.0, -4.0], [-2.0, 1.0]]
DET_SING_Z_G1 = [[0.0, 0.0], [0.0, 0.0]]
DET_SING_Z_CG = [[0.0, 0.0], [0.0, 0.0]]
DET_SING_Z_G2 = [[nan, nan], [nan, nan]]
DET_MIXED_CG = [[[4.000000000000001, -2.0000000000000004], [-2.000000000000001, 1.0000000000000004]],
                [[3.0, -1.0], [-1.0, 2.0]]]
DET_MIXED_G2 = [[[2.0, 4.0], [4.000000000000001, 8.000000000000002]], [[4.0, 2.0], [2.0, 6.0]]]
OLD_SVD_SHAPES = [[3, 2], [2], [2, 2]]
OLD_SVD_SOME_FALSE_SHAPES = [[3, 3], [2], [2, 2]]
OLD_SVD_NOUV = [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
                [10.191428257097222, 0.36713768594389934], [[0.0, 0.0], [0.0, 0.0]]]
F32_S = [10.191427230834961, 0.3671379089355469]
F32_MEXP = [[0.36226463317871094, -1.0193333625793457], [2.0386669635772705, 0.10743188858032227]]
F32_CHOL = [[2.0, 0.0, 0.0], [0.5, 1.658312439918518, 0.0],
            [1.0, -0.30151134729385376, 1.977142095565796]]


# -- helpers ----------------------------------------------------------------------------------
def _t(data, grad=False, dtype=ae.float64):
    return ae.tensor(data, dtype=dtype, requires_grad=grad)


def _close(actual, expected, rtol=1e-9, atol=1e-12):
    actual = actual.detach().numpy() if isinstance(actual, ae.Tensor) else actual
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def _grad(fn, *data, create_graph=False):
    xs = [_t(d, True) for d in data]
    grads = ae.autograd.grad(fn(*xs), xs, create_graph=create_graph)
    return grads if len(grads) > 1 else grads[0]


def _grad2(fn, data):
    """d/dA sum(grad(fn)(A) ** 2) through create_graph, as the second-order literals."""
    x = _t(data, True)
    (g,) = ae.autograd.grad(fn(x), [x], create_graph=True)
    return ae.autograd.grad((g * g).sum(), [x])[0]


def _weighted(t, weights):
    return (t * _t(weights)).sum()


# -- svd --------------------------------------------------------------------------------------
def test_svd_values_and_shapes():
    u, s, vh = ae.linalg.svd(_t(A32), full_matrices=False)
    _close(s, SVD_S)
    _close(u.abs(), SVD_ABS_U)
    _close(vh.abs(), SVD_ABS_VH)
    _close((u * s.unsqueeze(-2)) @ vh, A32)
    full = ae.linalg.svd(_t(A32))
    assert [list(x.shape) for x in full] == SVD_FULL_SHAPES
    assert type(full).__name__ == "linalg_svd" and full._fields == ("U", "S", "Vh")
    _close(full.U.mT @ full.U, np.eye(3))
    _close(ae.linalg.svdvals(_t(A32)), SVD_S)


def test_svd_gradients_of_gauge_invariant_losses():
    _close(_grad(lambda a: _weighted(ae.linalg.svdvals(a), [1.0, 2.0]), A32), SVD_GRAD_S)
    _close(_grad(lambda a: _weighted(ae.linalg.svd(a, full_matrices=False).U.abs(), W32), A32),
           SVD_GRAD_ABS_U)
    _close(_grad(lambda a: _weighted(ae.linalg.svd(a.mT, full_matrices=False).Vh.abs(), W23),
                 A32), SVD_GRAD_ABS_VH_WIDE)

    def recon(a):
        u, s, vh = ae.linalg.svd(a, full_matrices=False)
        return ((u * s.unsqueeze(-2)) @ vh).pow(2).sum()
    _close(_grad(recon, A32), SVD_GRAD_RECON)


def test_svd_full_matrices_ignores_the_extra_columns():
    def loss(a):
        u = ae.linalg.svd(a).U
        return u[:, :2].abs().sum() + u[:, 2].abs().sum()
    _close(_grad(loss, A32), SVD_GRAD_FULL_U)


def test_svd_second_order():
    def loss(a):
        s = ae.linalg.svdvals(a)
        return s.pow(2).sum() + s.prod()
    _close(_grad2(loss, A32), SVD_GRAD_SVDVALS_2ND, rtol=1e-8)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the inf/nan are the point
def test_repeated_singular_values_give_nan_gradients_for_vectors_only():
    eye = _t(np.eye(3), True)
    (g,) = ae.autograd.grad(ae.linalg.svd(eye).U.abs().sum(), [eye])
    assert np.isnan(g.numpy()).all()
    (g,) = ae.autograd.grad(ae.linalg.svdvals(eye).sum(), [eye])
    _close(g, np.eye(3))


# -- eigh -------------------------------------------------------------------------------------
def test_eigh_values_and_triangle():
    values, vectors = ae.linalg.eigh(_t(SPD))
    _close(values, EIGH_L)
    _close(vectors.abs(), EIGH_ABS_V)
    _close((vectors * values.unsqueeze(-2)) @ vectors.mT, SPD)
    _close(ae.linalg.eigvalsh(_t(NS), UPLO="U"), EIGH_U_NS)
    _close(ae.linalg.eigvalsh(_t(NS), UPLO="u"), EIGH_U_NS)
    _close(ae.linalg.eigvalsh(_t(NS)), EIGH_L_NS)
    assert ae.linalg.eigh(_t(SPD))._fields == ("eigenvalues", "eigenvectors")


def test_eigh_gradients():
    _close(_grad(lambda a: _weighted(ae.linalg.eigvalsh(a), [1.0, 2.0, 3.0]), SPD),
           EIGH_GRAD_L)
    # one triangle is read, the gradient is torch's symmetric one
    _close(_grad(lambda a: _weighted(ae.linalg.eigvalsh(a, UPLO="U"), [1.0, 2.0, 3.0]), NS),
           EIGH_GRAD_L_NS_U)
    _close(_grad(lambda a: _weighted(ae.linalg.eigh(a).eigenvectors.abs(), W33), SPD),
           EIGH_GRAD_ABS_V)
    _close(_grad2(lambda a: _weighted(ae.linalg.eigh(a).eigenvectors.abs(), W33), SPD),
           EIGH_GRAD_2ND, rtol=1e-8)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the inf/nan are the point
def test_repeated_eigenvalues_give_nan_gradients_for_vectors_only():
    eye = _t(np.eye(3), True)
    (g,) = ae.autograd.grad(ae.linalg.eigh(eye).eigenvectors.abs().sum(), [eye])
    assert np.isnan(g.numpy()).all()
    (g,) = ae.autograd.grad(ae.linalg.eigvalsh(eye).sum(), [eye])
    _close(g, np.eye(3))


# -- qr ---------------------------------------------------------------------------------------
def test_qr_values():
    for mode, (q, r) in (("reduced", (QR_Q, QR_R)), ("complete", (QR_COMPLETE_Q,
                                                                   QR_COMPLETE_R))):
        out = ae.linalg.qr(_t(A32), mode=mode)
        _close(out.Q, q)
        _close(out.R, r)
    out = ae.linalg.qr(_t(A32).mT)
    _close(out.Q, QR_WIDE_Q)
    _close(out.R, QR_WIDE_R)
    only_r = ae.linalg.qr(_t(A32), mode="r")
    assert only_r.Q.shape == (0,)
    _close(only_r.R, QR_R_ONLY)
    assert type(out).__name__ == "linalg_qr"


def test_qr_gradients():
    def both(a):
        q, r = ae.linalg.qr(a)
        return _weighted(q, [[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]]) + _weighted(r, W22)
    _close(_grad(both, A32), QR_GRAD_TALL)
    _close(_grad(lambda a: _weighted(ae.linalg.qr(a).R, W22), A32), QR_GRAD_TALL_R)

    def wide(a):
        q, r = ae.linalg.qr(a.mT)
        return _weighted(q, [[1.0, -2.0], [0.5, 3.0]]) + _weighted(r, W23)
    _close(_grad(wide, A32), QR_GRAD_WIDE)
    _close(_grad(lambda a: _weighted(ae.linalg.qr(a.mT, mode="complete").Q,
                                     [[1.0, -2.0], [0.5, 3.0]]), A32), QR_GRAD_WIDE_COMPLETE_Q)
    _close(_grad2(lambda a: _weighted(ae.linalg.qr(a).Q, [[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]]),
                  A32), QR_GRAD_2ND, rtol=1e-8)


def test_qr_backward_errors():
    a = _t(A32, True)
    with pytest.raises(RuntimeError, match="not computed when mode='r'"):
        ae.linalg.qr(a, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and "
                                           "nrows > ncols"):
        ae.linalg.qr(a, mode="complete").R.sum().backward()


# -- cholesky ---------------------------------------------------------------------------------
def test_cholesky_values_and_gradients():
    _close(ae.linalg.cholesky(_t(SPD)), CHOL_L)
    _close(ae.linalg.cholesky(_t(SPD), upper=True), CHOL_U)
    _close(_grad(lambda a: _weighted(ae.linalg.cholesky(a), W33), SPD), CHOL_GRAD)
    _close(_grad(lambda a: _weighted(ae.linalg.cholesky(a, upper=True), W33), SPD),
           CHOL_GRAD_UPPER)
    _close(_grad2(lambda a: _weighted(ae.linalg.cholesky(a), W33), SPD), CHOL_GRAD_2ND,
           rtol=1e-8)


def test_cholesky_reads_one_triangle():
    a = [[4.0, 100.0], [1.0, 3.0]]
    _close(ae.linalg.cholesky(_t(a)), np.linalg.cholesky(np.tril(a) + np.tril(a, -1).T))
    with pytest.raises(ae.linalg.LinAlgError, match="leading minor of order 2"):
        ae.linalg.cholesky(_t(a), upper=True)


FAILING = [[[4.0, 2.0, 3.0], [2.0, 1.0, 4.0], [3.0, 4.0, 9.0]], SPD,
           [[1.0, 2.0, 3.0], [2.0, 1.0, 4.0], [3.0, 4.0, 9.0]]]


def test_cholesky_ex_info_and_partial_factor():
    out = ae.linalg.cholesky_ex(_t(FAILING))
    assert out.info.dtype == np.int32 and out.info.tolist() == CHOL_EX_INFO
    _close(out.L, CHOL_EX_L)
    out = ae.linalg.cholesky_ex(_t(FAILING), upper=True)
    assert out.info.tolist() == CHOL_EX_U_INFO
    _close(out.L, CHOL_EX_U)
    assert type(out).__name__ == "linalg_cholesky_ex" and out._fields == ("L", "info")
    assert ae.linalg.cholesky_ex(_t(SPD)).info.shape == ()


@pytest.mark.parametrize("call,match", [
    (lambda: ae.linalg.cholesky(-ae.eye(3)),
     r"^linalg.cholesky: The factorization could not be completed because the input is not "
     r"positive-definite \(the leading minor of order 1 is not positive-definite\).$"),
    (lambda: ae.linalg.cholesky(_t(FAILING)),
     r"^linalg.cholesky: \(Batch element 0\): The factorization .* order 2 is not"),
    (lambda: ae.linalg.cholesky(_t(FAILING[1:])), r"\(Batch element 1\): .* order 2 is not"),
    (lambda: ae.linalg.cholesky(ae.full((2, 2), math.nan)), "order 1 is not"),
    (lambda: ae.linalg.cholesky_ex(-ae.eye(3), check_errors=True), "^linalg.cholesky_ex: The"),
    (lambda: ae.cholesky(-ae.eye(3)), "^cholesky: The factorization"),
])
def test_cholesky_errors(call, match):
    with pytest.raises(ae.linalg.LinAlgError, match=match):
        call()


# -- pinv, matrix_rank ------------------------------------------------------------------------
def test_pinv_values():
    _close(ae.linalg.pinv(_t(RANKDEF)), PINV_RANKDEF)
    _close(ae.linalg.pinv(_t(A32)), PINV_A32)
    _close(ae.linalg.pinv(_t(RANKDEF), hermitian=True), PINV_HERM)
    _close(ae.linalg.pinv(_t(NS), atol=5.0), PINV_ATOL)
    _close(ae.linalg.pinv(_t(NS), rtol=0.3), PINV_RTOL)
    _close(ae.linalg.pinv(_t(NS), 0.3), PINV_RCOND)
    _close(ae.pinverse(_t(NS), rcond=0.3), PINVERSE)
    batched = ae.linalg.pinv(_t(RANKDEF), atol=ae.tensor([0.0, 5.0], dtype=ae.float64))
    assert batched.shape == (2, 3, 3)
    _close(batched[0], PINV_RANKDEF)  # atol 0: the default rtol applies
    _close(batched[1], ae.linalg.pinv(_t(RANKDEF), atol=5.0))
    with pytest.raises(TypeError):
        ae.linalg.pinv(_t(NS), 0.3, rtol=0.3)


def test_pinv_gradients():
    _close(_grad(lambda a: _weighted(ae.linalg.pinv(a), W23), A32), PINV_GRAD)
    _close(_grad(lambda a: _weighted(ae.linalg.pinv(a.mT), W32), A32), PINV_GRAD_WIDE)
    _close(_grad2(lambda a: _weighted(ae.linalg.pinv(a), W23), A32), PINV_GRAD_2ND, rtol=1e-7)


def test_matrix_rank():
    rank = ae.linalg.matrix_rank
    got = [rank(_t(RANKDEF)), rank(_t(NS)), rank(_t(RANKDEF), hermitian=True),
           rank(_t(RANKDEF), atol=1.0), rank(_t(RANKDEF), rtol=0.1), rank(_t(RANKDEF), tol=2.0),
           rank(_t(NS), atol=3.0, rtol=0.0)]
    assert [r.item() for r in got] == RANKS
    assert all(r.dtype == np.int64 and r.shape == () for r in got)
    batched = rank(_t(RANKDEF), atol=ae.tensor([0.5, 20.0], dtype=ae.float64))
    assert batched.tolist() == RANKS_BATCH_ATOL
    with pytest.raises(TypeError):
        rank(_t(NS), tol=1.0, atol=1.0)


# -- lstsq ------------------------------------------------------------------------------------
B = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]


def test_lstsq_default_driver_gelsy():
    out = ae.linalg.lstsq(_t(A32), _t(B))
    assert type(out).__name__ == "linalg_lstsq"
    assert out._fields == ("solution", "residuals", "rank", "singular_values")
    _close(out.solution, LSTSQ_X)
    assert out.residuals.shape == (0,) and out.singular_values.shape == (0,)
    assert out.rank.dtype == np.int64 and out.rank.item() == LSTSQ_RANK
    rankdef = ae.linalg.lstsq(_t([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), _t(B))
    _close(rankdef.solution, LSTSQ_RANKDEF_X)
    assert rankdef.rank.item() == LSTSQ_RANKDEF_RANK
    _close(ae.linalg.lstsq(_t(A32).mT, _t(B[:2])).solution, LSTSQ_WIDE_X)
    vector = ae.linalg.lstsq(_t(A32), _t([1.0, 0.0, 1.0]))
    _close(vector.solution, np.asarray(LSTSQ_X)[:, 0])


def test_lstsq_other_drivers():
    out = ae.linalg.lstsq(_t(A32), _t(B), driver="gelsd")
    _close(out.residuals, LSTSQ_RES)
    _close(out.singular_values, LSTSQ_SV)
    gels = ae.linalg.lstsq(_t(A32), _t([1.0, 0.0, 1.0]), driver="gels")
    _close(gels.residuals, LSTSQ_GELS_RES)  # vector b: residuals keep a dim of 1
    assert gels.rank.shape == (0,) and gels.rank.dtype == np.int64
    assert gels.singular_values.shape == (0,)
    rankdef = ae.linalg.lstsq(_t([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), _t(B), driver="gelss")
    assert rankdef.residuals.shape == (0,) and rankdef.singular_values.shape == (2,)
    batched = ae.linalg.lstsq(_t([A32, A32]), _t([B, B]), driver="gelsd")
    assert batched.residuals.shape == (2, 2) and batched.rank.tolist() == [2, 2]
    assert batched.singular_values.shape == (2, 2)


def test_lstsq_gradients():
    ga, gb = _grad(lambda a, b: _weighted(ae.linalg.lstsq(a, b).solution, W22), A32, B)
    _close(ga, LSTSQ_GRAD_A)
    _close(gb, LSTSQ_GRAD_B)
    ga, gb = _grad(lambda a, b: _weighted(ae.linalg.lstsq(a, b, driver="gelsd").residuals,
                                          [1.0, 2.0]), A32, B)
    _close(ga, LSTSQ_RES_GRAD_A, atol=1e-10)
    _close(gb, LSTSQ_RES_GRAD_B, atol=1e-10)


def test_lstsq_broadcasts_batches():
    a, b = ae.randn(1, 2, 4, 3), ae.randn(3, 1, 4, 2)
    assert ae.linalg.lstsq(a, b).solution.shape == (3, 2, 3, 2)
    assert ae.linalg.lstsq(ae.randn(2, 4, 3), ae.randn(2, 4)).solution.shape == (2, 3)


# -- matrix_power, matrix_exp -----------------------------------------------------------------
@pytest.mark.parametrize("n", sorted(MPOW))
def test_matrix_power_values(n):
    _close(ae.linalg.matrix_power(_t(M), n), MPOW[n])
    _close(ae.matrix_power(_t(M), n), MPOW[n])


@pytest.mark.parametrize("n", sorted(MPOW_GRAD))
def test_matrix_power_gradients(n):
    a = _t(M, True)
    out = ae.linalg.matrix_power(a, n)
    assert out.requires_grad  # n = 0 too: the identity stays in the graph
    (g,) = ae.autograd.grad(_weighted(out, W22), [a])
    _close(g, MPOW_GRAD[n])


def test_matrix_power_dtypes_and_shapes():
    ints = ae.tensor([[1, 1], [0, 1]])
    assert ae.linalg.matrix_power(ints, 5).tolist() == [[1, 5], [0, 1]]
    assert ae.linalg.matrix_power(ints, 0).dtype == np.int64
    assert ae.linalg.matrix_power(ae.ones(3, 2, 2), 0).tolist() == [np.eye(2).tolist()] * 3
    assert ae.linalg.matrix_power(ae.ones(2, 2), 3).dtype == np.float32


def test_matrix_exp_values_and_gradients():
    _close(ae.linalg.matrix_exp(_t(M)), MEXP)
    _close(ae.matrix_exp(_t(NS) / 4), MEXP_NS)
    _close(ae.linalg.matrix_exp(_t(NS) * 2), MEXP_BIG, rtol=1e-12 * 1e3)
    _close(_grad(lambda a: _weighted(ae.linalg.matrix_exp(a), W22), M), MEXP_GRAD)
    _close(_grad2(lambda a: _weighted(ae.linalg.matrix_exp(a), W22), M), MEXP_GRAD_2ND)
    assert np.isnan(ae.linalg.matrix_exp(ae.full((2, 2), math.inf)).numpy()).all()
    assert ae.linalg.matrix_exp(ae.zeros(2, 0, 0)).shape == (2, 0, 0)


# -- cond, matrix norms -----------------------------------------------------------------------
ORDS = {"None": None, "2": 2, "-2": -2, "1": 1, "-1": -1, "inf": math.inf, "-inf": -math.inf,
        "fro": "fro", "nuc": "nuc"}


@pytest.mark.parametrize("name", sorted(COND))
def test_cond_values(name):
    assert ae.linalg.cond(_t(NS), ORDS[name]).item() == pytest.approx(COND[name], rel=1e-10)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the inf/nan are the point
def test_cond_rectangular_singular_and_empty():
    for name, value in COND_RECT.items():
        assert ae.linalg.cond(_t(A32), ORDS[name]).item() == pytest.approx(value, rel=1e-10)
    singular = _t([[1.0, 2.0], [2.0, 4.0]])
    for p in (1, -1, math.inf, -math.inf, "fro"):
        assert ae.linalg.cond(singular, p).item() == math.inf
    batch = ae.linalg.cond(_t([[[1.0, 2.0], [2.0, 4.0]], np.eye(2)]), 1)
    assert batch.tolist() == [math.inf, 1.0]
    assert np.isnan(ae.linalg.cond(ae.zeros(2, 2)).item())
    assert ae.linalg.cond(ae.zeros(2, 0, 0)).tolist() == [0.0, 0.0]
    assert ae.linalg.cond(ae.zeros(0, 3)).item() == 0.0


@pytest.mark.parametrize("name", sorted(COND_GRAD))
def test_cond_gradients(name):
    _close(_grad(lambda a: ae.linalg.cond(a, ORDS[name]), NS), COND_GRAD[name], rtol=1e-8)


def test_spectral_matrix_norms():
    for name, value in MNORM.items():
        p = ORDS[name]
        assert ae.linalg.matrix_norm(_t(A32), p).item() == pytest.approx(value, rel=1e-12)
        assert ae.linalg.norm(_t(A32), p).item() == pytest.approx(value, rel=1e-12)
        _close(_grad(lambda a: ae.linalg.matrix_norm(a, p), A32), MNORM_GRAD[name])
    x = ae.arange(24.0, dtype=ae.float64).reshape(2, 3, 4)
    for name, value in MNORM_KEEPDIM.items():
        _close(ae.linalg.matrix_norm(x, ORDS[name], dim=(2, 0), keepdim=True), value)
    _close(ae.linalg.norm(x, "nuc", dim=(0, 2)), NORM_NUC_DIM)
    _close(_grad(lambda a: ae.linalg.matrix_norm(a, 2), [[3.0, 0.0], [0.0, 3.0]]),
           MNORM_TIE_GRAD)  # tied singular values share the gradient
    assert ae.linalg.matrix_norm(ae.zeros(0, 3), 2).item() == 0.0
    assert ae.linalg.matrix_norm(ae.zeros(2, 0, 0), "nuc").tolist() == [0.0, 0.0]


# -- det at singular matrices -----------------------------------------------------------------
SINGULAR = {"2": [[1.0, 2.0], [2.0, 4.0]], "3": RANKDEF, "R1": [[1.0, 0.0], [0.0, 0.0]],
            "Z": [[0.0, 0.0], [0.0, 0.0]]}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the zero matrix: nan, as torch
@pytest.mark.parametrize("name", sorted(SINGULAR))
def test_det_gradient_at_singular_matrices(name):
    a = SINGULAR[name]
    expected = {k: globals()[f"DET_SING_{name}_{k}"] for k in ("G1", "CG", "G2")}
    # once-differentiable: torch's LU formula is zero at an exactly singular matrix
    _close(_grad(ae.linalg.det, a), expected["G1"])
    x = _t(a, True)
    (g,) = ae.autograd.grad(ae.linalg.det(x), [x], create_graph=True)
    _close(g, expected["CG"], atol=1e-12)  # with create_graph: the adjugate, via the SVD
    (g2,) = ae.autograd.grad(_weighted(g, np.asarray(W33)[:len(a), :len(a)]), [x])
    _close(g2, expected["G2"], atol=1e-12)


def test_det_gradient_mixed_batch():
    x = _t([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 1.0], [1.0, 3.0]]], True)
    (g,) = ae.autograd.grad(ae.linalg.det(x).sum(), [x], create_graph=True)
    _close(g, DET_MIXED_CG)
    _close(ae.autograd.grad((g * g).sum(), [x])[0], DET_MIXED_G2, atol=1e-12)


# -- torch's older spellings ------------------------------------------------------------------
def test_legacy_svd_returns_v():
    out = ae.svd(_t(A32))
    assert type(out).__name__ == "svd" and out._fields == ("U", "S", "V")
    assert [list(x.shape) for x in out] == OLD_SVD_SHAPES
    _close((out.U * out.S.unsqueeze(-2)) @ out.V.mT, A32)
    assert [list(x.shape) for x in ae.svd(_t(A32), some=False)] == OLD_SVD_SOME_FALSE_SHAPES
    u, s, v = ae.svd(_t(A32, True), compute_uv=False)
    _close(u, OLD_SVD_NOUV[0])
    _close(s, OLD_SVD_NOUV[1])
    _close(v, OLD_SVD_NOUV[2])
    assert s.requires_grad and not u.requires_grad


def test_legacy_qr_and_cholesky():
    q, r = ae.qr(_t(A32), some=False)
    _close(q, QR_COMPLETE_Q)
    _close(r, QR_COMPLETE_R)
    assert type(ae.qr(_t(A32))).__name__ == "qr"
    _close(ae.cholesky(_t(SPD)), CHOL_L)
    _close(ae.cholesky(_t(SPD), upper=True), CHOL_U)


# -- float32 ----------------------------------------------------------------------------------
def test_float32_results_stay_float32():
    a = _t(A32, dtype=ae.float32)
    _close(ae.linalg.svdvals(a), F32_S, rtol=1e-6, atol=1e-6)
    _close(ae.linalg.matrix_exp(_t(M, dtype=ae.float32)), F32_MEXP, rtol=1e-6, atol=1e-6)
    _close(ae.linalg.cholesky(_t(SPD, dtype=ae.float32)), F32_CHOL, rtol=1e-6, atol=1e-6)
    spd = _t(SPD, dtype=ae.float32)
    outs = [*ae.linalg.svd(a), *ae.linalg.eigh(spd), *ae.linalg.qr(a),
            ae.linalg.cholesky(spd), ae.linalg.pinv(a), ae.linalg.matrix_exp(spd),
            ae.linalg.lstsq(a, a).solution, ae.linalg.cond(a), ae.linalg.matrix_norm(a, "nuc"),
            ae.linalg.matrix_power(spd, -2)]
    assert all(o.dtype == np.float32 for o in outs)


# -- node names -------------------------------------------------------------------------------
def test_grad_fn_names_match_torch():
    a, s = _t(A32, True), _t(SPD, True)
    names = [ae.linalg.svd(a).U.grad_fn.name(), ae.linalg.svdvals(a).grad_fn.name(),
             ae.linalg.eigh(s).eigenvalues.grad_fn.name(), ae.linalg.qr(a).Q.grad_fn.name(),
             ae.linalg.cholesky(s).grad_fn.name(), ae.linalg.pinv(a).grad_fn.name(),
             ae.linalg.matrix_exp(s).grad_fn.name(), ae.linalg.lstsq(a, a).solution.grad_fn.name()]
    assert names == ["LinalgSvdBackward0", "LinalgSvdBackward0", "LinalgEighBackward0",
                     "LinalgQrBackward0", "LinalgCholeskyExBackward0", "LinalgPinvBackward0",
                     "LinalgMatrixExpBackward0", "LinalgLstsqBackward0"]


# -- errors -----------------------------------------------------------------------------------
LONG = ae.ones(3, 3, dtype=ae.int64)
VEC = ae.ones(3)
RECT = ae.ones(2, 3)
HALF = ae.eye(3, dtype=ae.float16)

ERRORS = [
    (lambda: ae.linalg.svd(LONG), RuntimeError,
     "^linalg.svd: Expected a floating point or complex tensor as input. Got Long$"),
    (lambda: ae.linalg.svd(VEC), RuntimeError,
     "^linalg.svd: The input tensor A must have at least 2 dimensions.$"),
    (lambda: ae.linalg.svd(HALF), NotImplementedError,
     "^\"linalg_svd_cpu\" not implemented for 'Half'$"),
    (lambda: ae.linalg.svd(RECT, driver="gesvd"), RuntimeError, "only supported on CUDA"),
    (lambda: ae.linalg.svdvals(ae.ones(3, 3, dtype=ae.bool)), RuntimeError, "Got Bool$"),
    (lambda: ae.linalg.svd(ae.full((2, 2), math.nan)), ae.linalg.LinAlgError,
     "^linalg.svd: The algorithm failed to converge because the input matrix contained "
     "non-finite values.$"),
    (lambda: ae.linalg.eigh(LONG), NotImplementedError,
     "^\"linalg_eigh_cpu\" not implemented for 'Long'$"),
    (lambda: ae.linalg.eigh(RECT), RuntimeError,
     "^linalg.eigh: A must be batches of square matrices, but they are 2 by 3 matrices$"),
    (lambda: ae.linalg.eigvalsh(VEC), RuntimeError, "^linalg.eigh: The input tensor A must"),
    (lambda: ae.linalg.eigh(ae.eye(2), UPLO="X"), RuntimeError,
     "^Expected UPLO argument to be 'L' or 'U', but got X$"),
    (lambda: ae.linalg.eigh(LONG, UPLO="LL"), RuntimeError, "but got LL$"),
    (lambda: ae.linalg.qr(LONG), RuntimeError, "^linalg.qr: Expected a floating point"),
    (lambda: ae.linalg.qr(HALF), NotImplementedError, "\"geqrf_cpu\" not implemented"),
    (lambda: ae.linalg.qr(ae.eye(2), mode="foo"), RuntimeError,
     "^qr received unrecognized mode 'foo' but expected one of 'reduced' \\(default\\), 'r', "
     "or 'complete'$"),
    (lambda: ae.linalg.cholesky(RECT), RuntimeError, "^linalg.cholesky: A must be batches"),
    (lambda: ae.linalg.cholesky(LONG), RuntimeError, "^linalg.cholesky: Expected a floating"),
    (lambda: ae.linalg.cholesky(HALF), NotImplementedError, "\"cholesky_cpu\" not implemented"),
    (lambda: ae.cholesky(LONG), NotImplementedError,
     "^\"cholesky_cpu\" not implemented for 'Long'$"),
    (lambda: ae.cholesky(VEC), RuntimeError, "^cholesky: The input tensor A must have"),
    (lambda: ae.linalg.pinv(LONG), RuntimeError,
     r"^linalg.pinv\(Long\{\[3, 3\]\}\): expected a tensor with 2 or more dimensions of float, "
     "double, cfloat or cdouble types$"),
    (lambda: ae.linalg.pinv(ae.tensor(1.0)), RuntimeError, r"^linalg.pinv\(Float\{\[\]\}\)"),
    (lambda: ae.pinverse(HALF), RuntimeError, r"^linalg.pinv\(Half\{\[3, 3\]\}\)"),
    (lambda: ae.linalg.matrix_rank(VEC), RuntimeError,
     "^torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.$"),
    (lambda: ae.linalg.matrix_rank(LONG), RuntimeError,
     "^This function doesn't handle types other than float and double$"),
    (lambda: ae.linalg.matrix_exp(RECT), RuntimeError, "^linalg.matrix_exp: A must be batches"),
    (lambda: ae.linalg.matrix_exp(LONG), RuntimeError, "^linalg.matrix_exp: Expected a float"),
    (lambda: ae.linalg.matrix_power(RECT, 2), RuntimeError,
     "^linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3 "
     "matrices$"),
    (lambda: ae.linalg.matrix_power(VEC, 2), RuntimeError, "^linalg.matrix_power: The input"),
    (lambda: ae.linalg.matrix_power(LONG, -1), RuntimeError,
     "^linalg.inv: Expected a floating point or complex tensor as input. Got Long$"),
    (lambda: ae.linalg.matrix_power(ae.zeros(2, 2), -1), ae.linalg.LinAlgError, "singular"),
    (lambda: ae.linalg.matrix_power(ae.eye(2), 1.5), TypeError,
     "^linalg_matrix_power\\(\\): argument 'n' \\(position 2\\) must be int, not float$"),
    (lambda: ae.linalg.cond(VEC), RuntimeError,
     "^linalg.cond: The input tensor must have at least 2 dimensions.$"),
    (lambda: ae.linalg.cond(RECT, "fro"), RuntimeError,
     "^linalg.cond\\(ord=fro\\): A must be batches of square matrices, but they are 2 by 3 "
     "matrices$"),
    (lambda: ae.linalg.cond(RECT, 1), RuntimeError, "^linalg.cond\\(ord=1\\): A must"),
    (lambda: ae.linalg.cond(RECT, 1.0), RuntimeError, "^linalg.cond\\(ord=1.000000\\): A must"),
    (lambda: ae.linalg.cond(RECT, -math.inf), RuntimeError, "^linalg.cond\\(ord=-inf\\): A"),
    (lambda: ae.linalg.cond(ae.eye(2), 3), RuntimeError,
     "^linalg.cond got an invalid norm type: 3$"),
    (lambda: ae.linalg.cond(ae.eye(2), "foo"), RuntimeError, "invalid norm type: foo$"),
    (lambda: ae.linalg.cond(LONG), RuntimeError, "^linalg.svd: Expected a floating point"),
    (lambda: ae.linalg.matrix_norm(HALF, "nuc"), RuntimeError,
     "^linalg.matrix_norm: Low precision dtypes not supported. Got Half$"),
    (lambda: ae.linalg.matrix_norm(LONG, 2), RuntimeError,
     "^linalg.matrix_norm: Expected a floating point or complex tensor as input. Got Long$"),
    (lambda: ae.linalg.matrix_norm(VEC, -2), RuntimeError, "at least 2 dimensions"),
    (lambda: ae.linalg.matrix_norm(ae.zeros(0, 3), -2), IndexError, "non-zero size"),
    (lambda: ae.linalg.matrix_norm(ae.ones(2, 3, 4), "fro", dim=(0, 1, 2)), RuntimeError,
     "^linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2$"),
    (lambda: ae.linalg.matrix_norm(ae.ones(2, 3, 4), 2, dim=(1, -2)), RuntimeError,
     "^linalg.matrix_norm: dims must be different. Got \\(1, 1\\)$"),
    (lambda: ae.linalg.norm(ae.ones(2, 3, 4), "nuc", dim=1), RuntimeError,
     "^linalg.matrix_norm: dim must be a 2-tuple. Got 1$"),
    (lambda: ae.linalg.norm(ae.ones(2, 3, 4), 2, dim=(0, 1, 2)), RuntimeError,
     "^linalg.norm: If dim is specified, it must be of length 1 or 2. Got \\[0, 1, 2\\]$"),
    (lambda: ae.linalg.norm(VEC, "nuc"), RuntimeError,
     "^linalg.matrix_norm: The input tensor A must have at least 2 dimensions.$"),
    (lambda: ae.linalg.lstsq(ae.ones(4), ae.ones(4)), RuntimeError,
     "^torch.linalg.lstsq: input must have at least 2 dimensions.$"),
    (lambda: ae.linalg.lstsq(ae.ones(4, 3), ae.tensor(1.0)), RuntimeError,
     "^torch.linalg.lstsq: other must have at least 1 dimension.$"),
    (lambda: ae.linalg.lstsq(ae.ones(4, 3), ae.ones(4, 2, dtype=ae.float64)), RuntimeError,
     "^torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
     "dtype Float and other's dtype Double$"),
    (lambda: ae.linalg.lstsq(ae.ones(4, 3), ae.ones(3, 4, 2)), RuntimeError,
     "^torch.linalg.lstsq: input.dim\\(\\) must be greater or equal to other.dim\\(\\) and "
     "\\(input.dim\\(\\) - other.dim\\(\\)\\) <= 1$"),
    (lambda: ae.linalg.lstsq(ae.ones(4, 3), ae.ones(5, 2)), RuntimeError,
     "^torch.linalg.lstsq: input.size\\(-2\\) should match other.size\\(-2\\)$"),
    (lambda: ae.linalg.lstsq(ae.ones(2, 4, 3), ae.ones(4, 2)), RuntimeError,
     "^The size of tensor a \\(2\\) must match the size of tensor b \\(4\\) at non-singleton "
     "dimension 0$"),
    (lambda: ae.linalg.lstsq(LONG, LONG), RuntimeError,
     "^This function doesn't handle types other than float and double$"),
    (lambda: ae.linalg.lstsq(ae.ones(4, 3), ae.ones(4, 2), driver="foo"), RuntimeError,
     "^torch.linalg.lstsq: parameter `driver` should be one of \\(gels, gelsy, gelsd, "
     "gelss\\)$"),
    (lambda: ae.svd(VEC), RuntimeError,
     "^linalg.svd: input should have at least 2 dimensions, but has 1 dimensions instead$"),
    (lambda: ae.linalg.det(HALF), NotImplementedError, "\"lu_cpu\" not implemented for 'Half'"),
]


@pytest.mark.parametrize("call,kind,match", ERRORS)
def test_errors(call, kind, match):
    with pytest.raises(kind, match=match) as info:
        call()
    assert type(info.value) is kind  # not a subclass: LinAlgError where torch raises it only


# -- empty and batched shapes -----------------------------------------------------------------
def test_empty_matrices():
    u, s, vh = ae.linalg.svd(ae.zeros(0, 3))
    assert (u.shape, s.shape) == ((0, 0), (0,))
    _close(vh, np.eye(3))
    u, s, vh = ae.linalg.svd(ae.zeros(3, 0), full_matrices=False)
    assert (u.shape, s.shape, vh.shape) == ((3, 0), (0,), (0, 0))
    assert ae.linalg.pinv(ae.zeros(0, 3)).shape == (3, 0)
    assert ae.linalg.matrix_rank(ae.zeros(2, 0, 0)).tolist() == [0, 0]
    assert ae.linalg.lstsq(ae.zeros(0, 3), ae.zeros(0, 1)).solution.tolist() == [[0.0]] * 3
    assert ae.linalg.qr(ae.zeros(3, 0), mode="complete").Q.shape == (3, 3)
    assert ae.linalg.cholesky(ae.zeros(2, 0, 0)).shape == (2, 0, 0)
    assert ae.linalg.eigh(ae.zeros(0, 2, 2)).eigenvalues.shape == (0, 2)


@settings(max_examples=25, deadline=None)
@given(batch=st.lists(st.integers(1, 3), max_size=2), m=st.integers(1, 5),
       n=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_factorizations_reconstruct_batched_inputs(batch, m, n, seed):
    rng = np.random.default_rng(seed)
    a = _t(rng.standard_normal((*batch, m, n)))
    for full in (True, False):
        u, s, vh = ae.linalg.svd(a, full_matrices=full)
        k = min(m, n)
        _close((u[..., :k] * s.unsqueeze(-2)) @ vh[..., :k, :], a.numpy(), atol=1e-10)
        assert np.all(np.diff(s.numpy(), axis=-1) <= 0)
    q, r = ae.linalg.qr(a)
    _close(q @ r, a.numpy(), atol=1e-10)
    _close(r.numpy(), np.triu(r.numpy()))
    _close(a @ ae.linalg.pinv(a) @ a, a.numpy(), atol=1e-9)
    spd = a @ a.mT + ae.eye(m, dtype=ae.float64)
    lower = ae.linalg.cholesky(spd)
    _close(lower @ lower.mT, spd.numpy(), atol=1e-10)
    values, vectors = ae.linalg.eigh(spd)
    _close((vectors * values.unsqueeze(-2)) @ vectors.mT, spd.numpy(), atol=1e-10)
    rhs = a @ ae.ones(n, 1, dtype=ae.float64)  # consistent: the residual is zero
    _close(a @ ae.linalg.lstsq(a, rhs).solution, rhs.numpy(), atol=1e-8)


def test_gradchecks_of_compositions():
    rng = np.random.default_rng(1)
    a = _t(rng.standard_normal((2, 3, 3)), True)
    for fn in (lambda x: ae.linalg.matrix_norm(x, "nuc"), lambda x: ae.linalg.cond(x, -2),
               lambda x: ae.linalg.matrix_power(x, -2), lambda x: ae.linalg.cond(x, "fro"),
               lambda x: ae.linalg.norm(x, 2, dim=(0, 2))):
        assert gradcheck(fn, (a,))
        assert gradgradcheck(fn, (a,))
