//! A bucket as a [`FileSource`] for [`warden_audit::verify::verify_trail`].

use std::path::PathBuf;

use warden_audit::verify::{FileSource, SourceError};

use crate::bucket::{self, BucketError, ListRequest, MAX_KEYS};

/// One local bucket, read through [`crate::bucket`].
#[derive(Debug, Clone)]
pub struct BucketSource {
    /// The buckets root.
    pub root: PathBuf,
    /// The bucket.
    pub bucket: String,
}

impl FileSource for BucketSource {
    fn list(&self, prefix: &str) -> Result<Vec<String>, SourceError> {
        let mut keys = Vec::new();
        let mut request = ListRequest {
            prefix: prefix.to_owned(),
            max_keys: MAX_KEYS,
            ..ListRequest::default()
        };
        loop {
            let page = match bucket::list_objects(&self.root, &self.bucket, &request) {
                Ok(page) => page,
                Err(BucketError::NoSuchBucket(_)) => return Ok(keys),
                Err(error) => return Err(SourceError(error.to_string())),
            };
            keys.extend(page.objects.into_iter().map(|object| object.key));
            if !page.is_truncated {
                return Ok(keys);
            }
            request.after = page.next_after;
        }
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SourceError> {
        match bucket::get_object(&self.root, &self.bucket, key) {
            Ok(object) => Ok(Some(object.bytes)),
            Err(BucketError::NoSuchKey(_) | BucketError::NoSuchBucket(_)) => Ok(None),
            Err(error) => Err(SourceError(error.to_string())),
        }
    }

    fn signature(&self, key: &str) -> Result<Option<String>, SourceError> {
        match bucket::get_object(&self.root, &self.bucket, key) {
            Ok(object) => Ok(object.metadata.get("signature").cloned()),
            Err(BucketError::NoSuchKey(_) | BucketError::NoSuchBucket(_)) => Ok(None),
            Err(error) => Err(SourceError(error.to_string())),
        }
    }
}
