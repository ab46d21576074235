"""Where the data is: a folder on this machine, or a folder a URI names (`--data s3a://...`).

`--data` (and `data_folder` in the settings) takes a local folder or a URI. A `file://` URI
is a local folder and becomes a `Path` here, so both engines read it. Any other scheme
(`s3a://`, `s3://`, `abfss://`, `gs://`, `hdfs://`) is a `RemoteFolder`: only the Spark engine
reads one; DuckDB refuses it with a message that says so.

wfplan itself lists a remote folder's files and reads their Parquet footers (the contract
check's schema gate, and what Spark cannot read) through pyarrow's file systems: the URI's
scheme is mapped to pyarrow's (`s3a://` and `s3n://` are S3, `abfs://` and `abfss://` Azure,
`gs://` and `gcs://` Google Cloud Storage, `hdfs://` HDFS through libhdfs), with credentials
from the usual environment (AWS_*, AZURE_*, GOOGLE_APPLICATION_CREDENTIALS, HADOOP_HOME and
CLASSPATH for HDFS). Spark reads the files by their URIs as given, with its own Hadoop
settings (`[engine.spark.conf]`). A scheme pyarrow cannot open is refused with a message
naming the URI and pyarrow's reason, never a stack trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit

# A URI's scheme: at least two letters, so that a Windows drive (`C:\`) is never one.
_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")

# Hadoop's names for a store, as pyarrow's file systems know it.
PYARROW_SCHEMES = {"s3a": "s3", "s3n": "s3", "gcs": "gs", "abfs": "abfs", "abfss": "abfs"}


class LocationError(ValueError):
    """A `--data` value that names no folder wfplan can use; the message is for the user."""


@dataclass(frozen=True)
class RemoteFolder:
    """A data folder named by a URI that is not `file://`, as the user gave it (no trailing /)."""

    uri: str

    def __str__(self) -> str:
        return self.uri

    @property
    def scheme(self) -> str:
        return self.uri.split("://", 1)[0].lower()

    @property
    def name(self) -> str:
        """The folder's last name (the info bar shows it), or the bucket's."""
        return self.uri.rstrip("/").rsplit("/", 1)[-1]

    @property
    def pyarrow_uri(self) -> str:
        """The same URI in the scheme pyarrow's file systems know (`s3a://b/x` is `s3://b/x`)."""
        scheme, rest = self.uri.split("://", 1)
        return f"{PYARROW_SCHEMES.get(scheme.lower(), scheme.lower())}://{rest}"

    def uri_of(self, path: PurePath, root: PurePath) -> str:
        """The URI (in the user's scheme, for Spark) of `path`, a file under the folder `root`."""
        return f"{self.uri}/{path.relative_to(root).as_posix()}"


DataLocation = Path | RemoteFolder


def parse_location(text: str) -> DataLocation:
    """`--data`'s value: a local folder (`file://` URIs included) or a RemoteFolder."""
    match = _URI.match(text)
    if match is None:
        return Path(text).expanduser()
    if match.group(1).lower() != "file":
        rest = text[match.end():].rstrip("/")
        if not rest:
            raise LocationError(f"{text}: a data URI names a folder after the scheme (like s3a://bucket/exports)")
        return RemoteFolder(f"{match.group(1)}://{rest}")
    parts = urlsplit(text)
    if parts.netloc not in ("", "localhost"):
        raise LocationError(f"{text}: a file:// URI names a folder on this machine (file:///path or "
                            f"file://localhost/path), not on host {parts.netloc!r}")
    if parts.query or parts.fragment:
        raise LocationError(f"{text}: a file:// URI of a data folder takes no ?query or #fragment")
    return Path(unquote(parts.path))

