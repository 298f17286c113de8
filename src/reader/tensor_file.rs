//! Reading a safetensors file one tensor at a time.
//!
//! candle's own loader reads or maps the whole file and copies every tensor
//! out of it, so loading the 90 MB base model used to peak at twice its
//! size. Here only the header is parsed up front; each tensor is read from
//! its offsets into its own buffer when asked for, and the word-embedding
//! table can be read in slices straight into half precision, so memory at
//! load never holds more than the weights kept plus one slice.

use candle_core::{DType, Device, Tensor};
use half::f16;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Largest header keel accepts (the safetensors format's own limit).
const MAX_HEADER: u64 = 100_000_000;
/// Bytes read at a time when a tensor is converted while it is read.
const SLICE_BYTES: usize = 1 << 20;

/// Why a tensor file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct TensorFileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong, naming the tensor where there is one.
    pub message: String,
}

#[derive(Debug, Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: (u64, u64),
}

/// What the header says of one tensor.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Info {
    dtype: DType,
    shape: Vec<usize>,
    start: u64,
    len: u64,
}

/// An open safetensors file whose header has been read.
#[derive(Debug)]
pub(super) struct TensorFile {
    path: PathBuf,
    file: File,
    data_start: u64,
    tensors: BTreeMap<String, Info>,
}

fn dtype(name: &str) -> Option<DType> {
    Some(match name {
        "F32" => DType::F32,
        "F16" => DType::F16,
        "BF16" => DType::BF16,
        "F64" => DType::F64,
        "I64" => DType::I64,
        "U32" => DType::U32,
        "U8" => DType::U8,
        _ => return None,
    })
}

impl TensorFile {
    /// Opens `path` and reads its header; every tensor's offsets are checked
    /// against its shape and the file's length.
    pub(super) fn open(path: &Path) -> Result<TensorFile, TensorFileError> {
        let fail = |message: String| TensorFileError { path: path.to_path_buf(), message };
        let mut file = File::open(path).map_err(|e| fail(e.to_string()))?;
        let file_len = file.metadata().map_err(|e| fail(e.to_string()))?.len();
        let mut len_bytes = [0u8; 8];
        file.read_exact(&mut len_bytes).map_err(|_| fail("not a safetensors file (shorter than its header)".into()))?;
        let header_len = u64::from_le_bytes(len_bytes);
        if header_len > MAX_HEADER || header_len + 8 > file_len {
            return Err(fail(format!("not a safetensors file (header of {header_len} bytes)")));
        }
        let mut header = vec![0u8; header_len as usize];
        file.read_exact(&mut header).map_err(|e| fail(e.to_string()))?;
        let raw: BTreeMap<String, serde_json::Value> =
            serde_json::from_slice(&header).map_err(|e| fail(format!("not a safetensors file: header: {e}")))?;
        let data_start = 8 + header_len;
        let data_len = file_len - data_start;
        let mut tensors = BTreeMap::new();
        for (name, value) in raw {
            if name == "__metadata__" {
                continue;
            }
            let entry: Entry =
                serde_json::from_value(value).map_err(|e| fail(format!("tensor `{name}`: header: {e}")))?;
            let dtype = dtype(&entry.dtype)
                .ok_or_else(|| fail(format!("tensor `{name}`: unsupported dtype {}", entry.dtype)))?;
            let (start, end) = entry.data_offsets;
            let want = entry.shape.iter().try_fold(dtype.size_in_bytes() as u64, |n, &d| n.checked_mul(d as u64));
            if end < start || end > data_len || want != Some(end - start) {
                return Err(fail(format!(
                    "tensor `{name}`: offsets {start}..{end} do not fit its shape {:?} and the file",
                    entry.shape
                )));
            }
            tensors.insert(name, Info { dtype, shape: entry.shape, start, len: end - start });
        }
        Ok(TensorFile { path: path.to_path_buf(), file, data_start, tensors })
    }

    /// An error about tensor `name` of this file.
    pub(super) fn fail(&self, name: &str, message: impl std::fmt::Display) -> TensorFileError {
        TensorFileError { path: self.path.clone(), message: format!("tensor `{name}`: {message}") }
    }

    fn info(&self, name: &str) -> Result<Info, TensorFileError> {
        self.tensors.get(name).cloned().ok_or_else(|| self.fail(name, "missing"))
    }

    /// The names of the tensors in the file, sorted.
    pub(super) fn names(&self) -> Vec<String> {
        self.tensors.keys().cloned().collect()
    }

    /// The shape of tensor `name`, if the file has it.
    pub(super) fn shape(&self, name: &str) -> Option<&[usize]> {
        self.tensors.get(name).map(|i| i.shape.as_slice())
    }

    fn read_at(&mut self, name: &str, offset: u64, buf: &mut [u8]) -> Result<(), TensorFileError> {
        let at = self.data_start + offset;
        let read = self.file.seek(SeekFrom::Start(at)).and_then(|_| self.file.read_exact(buf));
        read.map_err(|e| self.fail(name, e))
    }

    /// Reads tensor `name` as stored.
    pub(super) fn tensor(&mut self, name: &str, device: &Device) -> Result<Tensor, TensorFileError> {
        let info = self.info(name)?;
        let mut bytes = vec![0u8; info.len as usize];
        self.read_at(name, info.start, &mut bytes)?;
        Tensor::from_raw_buffer(&bytes, info.dtype, &info.shape, device).map_err(|e| self.fail(name, e))
    }

    /// Reads tensor `name` as f32 values, checking its shape is `shape`.
    pub(super) fn f32_values(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, TensorFileError> {
        let t = self.tensor(name, &Device::Cpu)?;
        if t.dims() != shape {
            return Err(self.fail(name, format!("shape {:?}, expected {shape:?}", t.dims())));
        }
        let values = t.to_dtype(DType::F32).and_then(|t| t.flatten_all()).and_then(|t| t.to_vec1::<f32>());
        values.map_err(|e| self.fail(name, e))
    }

    /// Reads a two-dimensional f32 or f16 tensor `name` into half-precision
    /// rows, a slice at a time. Returns the values and the row width.
    pub(super) fn half_rows(&mut self, name: &str) -> Result<(Vec<f16>, usize), TensorFileError> {
        let info = self.info(name)?;
        let [_, width] = info.shape[..] else {
            return Err(self.fail(name, format!("expected a table of rows, found shape {:?}", info.shape)));
        };
        let size = match info.dtype {
            DType::F32 => 4,
            DType::F16 => 2,
            other => return Err(self.fail(name, format!("expected f32 or f16, found {other:?}"))),
        };
        let total = info.len as usize;
        let mut out = Vec::with_capacity(total / size);
        let mut slice = vec![0u8; SLICE_BYTES.min(total)];
        let mut done = 0;
        while done < total {
            let n = (total - done).min(slice.len());
            self.read_at(name, info.start + done as u64, &mut slice[..n])?;
            if size == 4 {
                out.extend(
                    slice[..n].chunks_exact(4).map(|b| f16::from_f32(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
                );
            } else {
                out.extend(slice[..n].chunks_exact(2).map(|b| f16::from_le_bytes([b[0], b[1]])));
            }
            done += n;
        }
        Ok((out, width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn write(dir: &Path, tensors: &[(&str, Tensor)]) -> PathBuf {
        let path = dir.join("t.safetensors");
        let map: HashMap<String, Tensor> = tensors.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        candle_core::safetensors::save(&map, &path).unwrap();
        path
    }

    #[test]
    fn tensors_read_one_at_a_time_equal_what_candle_reads() {
        let dir = tempfile::tempdir().unwrap();
        let a = Tensor::arange(0f32, 12.0, &Device::Cpu).unwrap().reshape((3, 4)).unwrap();
        let b = Tensor::new(&[1.5f32, -2.0], &Device::Cpu).unwrap().to_dtype(DType::F16).unwrap();
        let path = write(dir.path(), &[("a", a.clone()), ("b", b.clone())]);
        let mut file = TensorFile::open(&path).unwrap();
        assert_eq!(file.names(), ["a", "b"]);
        assert_eq!(file.shape("a"), Some(&[3, 4][..]));
        let got = file.tensor("a", &Device::Cpu).unwrap();
        assert_eq!(got.to_vec2::<f32>().unwrap(), a.to_vec2::<f32>().unwrap());
        let got = file.tensor("b", &Device::Cpu).unwrap();
        assert_eq!(got.dtype(), DType::F16);
        assert_eq!(got.to_vec1::<f16>().unwrap(), b.to_vec1::<f16>().unwrap());
        let (rows, width) = file.half_rows("a").unwrap();
        assert_eq!(width, 4);
        assert_eq!(rows.iter().map(|x| x.to_f32()).collect::<Vec<_>>(), (0..12).map(|x| x as f32).collect::<Vec<_>>());
        let err = file.tensor("c", &Device::Cpu).unwrap_err();
        assert!(err.to_string().ends_with("tensor `c`: missing"), "{err}");
    }

    #[test]
    fn a_truncated_or_foreign_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let a = Tensor::zeros((64, 4), DType::F32, &Device::Cpu).unwrap();
        let path = write(dir.path(), &[("a", a)]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 4]).unwrap();
        let err = TensorFile::open(&path).unwrap_err();
        assert!(err.message.contains("tensor `a`: offsets"), "{err}");
        std::fs::write(&path, b"{\"not\": \"tensors\"}").unwrap();
        let err = TensorFile::open(&path).unwrap_err();
        assert!(err.message.starts_with("not a safetensors file"), "{err}");
        assert_eq!(err.path, path);
    }
}
