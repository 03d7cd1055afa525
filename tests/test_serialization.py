"""ae.save / ae.load: round trips of state dicts, and hostile files giving ValueError."""
import io
import os
import pickle
import struct
import time
import zipfile

import numpy as np
import pytest

import autograd_engine as ae


def _sample():
    shared = ae.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    return {
        "weights": shared, "again": shared,
        "int_keys": {0: {"step": ae.tensor(np.float32(3.0))}, -7: None},
        "mixed": [1, 2.5, float("inf"), "text", True, None, (3, "x"), []],
        "big": 2 ** 80, "nan": float("nan"),
        "array": np.arange(6, dtype=np.int16).reshape(2, 3),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "scalar": np.float64(0.125), "flags": ae.tensor([True, False]),
        "empty": ae.zeros(0, 3), "tuple": (0.9, 0.999),
    }


def test_round_trip_keeps_types_and_values(tmp_path):
    path = tmp_path / "checkpoint.bin"
    ae.save(_sample(), path)
    back = ae.load(path)
    assert back["weights"].requires_grad and back["weights"].dtype == np.float32
    np.testing.assert_array_equal(back["weights"].data, [[1, 2], [3, 4]])
    assert back["again"] is back["weights"]  # one tensor saved once, loaded once
    assert list(back["int_keys"]) == [0, -7] and back["int_keys"][-7] is None
    step = back["int_keys"][0]["step"]
    assert isinstance(step, ae.Tensor) and step.shape == () and step.item() == 3.0
    assert back["mixed"] == [1, 2.5, float("inf"), "text", True, None, (3, "x"), []]
    assert type(back["mixed"][4]) is bool and type(back["mixed"][0]) is int
    assert back["big"] == 2 ** 80 and np.isnan(back["nan"])
    assert isinstance(back["array"], np.ndarray) and back["array"].dtype == np.int16
    np.testing.assert_array_equal(back["fortran"], np.arange(6.0).reshape(2, 3))
    assert back["scalar"] == 0.125 and back["scalar"].dtype == np.float64
    assert back["flags"].dtype == np.bool_ and back["empty"].shape == (0, 3)
    assert back["tuple"] == (0.9, 0.999) and isinstance(back["tuple"], tuple)
    assert back["array"].flags.writeable and back["weights"].data.flags.writeable


def test_writes_exactly_the_given_path(tmp_path):
    for name in ("model", "model.pt", "model.npz"):
        ae.save({"a": ae.ones(2)}, tmp_path / name)
        assert os.path.exists(tmp_path / name)
    assert sorted(os.listdir(tmp_path)) == ["model", "model.npz", "model.pt"]
    ae.save([1], str(tmp_path / "as_str"))
    assert ae.load(str(tmp_path / "as_str")) == [1]


def test_file_objects():
    buffer = io.BytesIO()
    ae.save({"x": ae.arange(3)}, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(ae.load(buffer)["x"].data, [0, 1, 2])


def test_module_like_state_dict_round_trip(tmp_path):
    state = {"0.weight": ae.randn(4, 3), "0.bias": ae.zeros(4),
             "bn.num_batches_tracked": ae.tensor(5)}
    ae.save(state, tmp_path / "m")
    back = ae.load(tmp_path / "m")
    assert list(back) == list(state)
    for key in state:
        np.testing.assert_array_equal(back[key].data, state[key].data)
        assert back[key].dtype == state[key].dtype


def test_unsupported_objects_raise_type_error(tmp_path):
    with pytest.raises(TypeError, match="set"):
        ae.save({"s": {1, 2}}, tmp_path / "x")
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        ae.save({(1, 2): 3}, tmp_path / "x")
    with pytest.raises(TypeError, match="dtype object"):
        ae.save(np.array([None, 1]), tmp_path / "x")


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        ae.load(tmp_path / "nope")


def _valid_bytes():
    buffer = io.BytesIO()
    ae.save({"w": ae.randn(50, 20), "b": ae.zeros(20), "step": 3}, buffer)
    return buffer.getvalue()


def _zip(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _structure():
    return _npy(np.frombuffer(b'{"format": "autograd_engine", "version": 1, "root": '
                              b'{"t": "tensor", "a": "a0", "grad": false}}', np.uint8))


HOSTILE = {
    "empty": b"",
    "random": bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)),
    "pickle": pickle.dumps({"w": [1, 2, 3]}),
    "plain_npy": _npy(np.ones(3)),
    "foreign_zip": _zip({"readme.txt": b"hello"}),
    "foreign_npz": _zip({"x.npy": _npy(np.ones(3))}),
    "object_array": _zip({"structure.npy": _structure(),
                          "a0.npy": _npy(np.array([{"a": 1}], dtype=object))}),
    "bad_json": _zip({"structure.npy": _npy(np.frombuffer(b"{not json", np.uint8))}),
    "missing_array": _zip({"structure.npy": _structure()}),
    "compressed": _zip({"structure.npy": _structure(), "a0.npy": _npy(np.ones(2))},
                       zipfile.ZIP_DEFLATED),
    "deep_nesting": _zip({"structure.npy": _npy(np.frombuffer(
        b'{"format": "autograd_engine", "version": 1, "root": ' + b"[" * 100000 + b"]" * 100000
        + b"}", np.uint8))}),
    "unknown_node": _zip({"structure.npy": _npy(np.frombuffer(
        b'{"format": "autograd_engine", "version": 1, "root": {"t": "eval", "v": "rm"}}',
        np.uint8))}),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_raise_value_error(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    with pytest.raises(ValueError, match="not a valid autograd_engine file"):
        ae.load(path)


def test_header_promising_more_data_than_present(tmp_path):
    header = _npy(np.zeros(1, np.float64))
    lying = header.replace(b"'shape': (1,), }", b"'shape': (10000000000,), }")
    lying = lying[:10] + lying[10:].replace(b" " * 10, b"", 1)  # keep the header length
    assert len(lying) == len(header)
    path = tmp_path / "lying"
    path.write_bytes(_zip({"structure.npy": _structure(), "a0.npy": lying}))
    start = time.perf_counter()
    with pytest.raises(ValueError, match="promises 80000000000 bytes"):
        ae.load(path)
    assert time.perf_counter() - start < 1.0


def test_zip_entry_declaring_more_bytes_than_the_file(tmp_path):
    data = bytearray(_valid_bytes())
    # Patch the central directory's uncompressed and compressed sizes of the first entry.
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<II", data, central + 20, 1 << 31, 1 << 31)
    path = tmp_path / "sizes"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not a valid autograd_engine file"):
        ae.load(path)


def test_every_truncation_raises_value_error(tmp_path):
    data = _valid_bytes()
    path = tmp_path / "cut"
    for n in list(range(0, len(data), 97)) + [len(data) - 1]:
        path.write_bytes(data[:n])
        with pytest.raises(ValueError):
            ae.load(path)


def test_corrupted_bytes_raise_value_error_or_load(tmp_path):
    data = _valid_bytes()
    rng = np.random.default_rng(1)
    path = tmp_path / "flip"
    for _ in range(60):
        corrupted = bytearray(data)
        for i in rng.integers(0, len(data), 3):
            corrupted[i] ^= 0xFF
        path.write_bytes(bytes(corrupted))
        try:
            ae.load(path)
        except ValueError:
            pass
