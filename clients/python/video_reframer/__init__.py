"""Client for contracts/reframer.md, using only `requests`.

The contract's example runs as written::

    from video_reframer import Client

    client = Client(api_key="vr_xxxx")
    job = client.process("video.mp4")
    results = job.wait()
    print(results.detections)

The server is VIDEO_REFRAMER_URL (default http://localhost:3000) or `base_url`. A 429 is
retried after its Retry-After, 5xx and connection errors with exponential backoff.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any, Callable, Dict, List, Optional

import requests

__all__ = ["Client", "Job", "Results", "VideoReframerError", "decode_rle"]


class VideoReframerError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


def decode_rle(rle_string: str) -> List[bool]:
    """The contract's decoder: True for the zeros (background), False for the mask."""
    rle = [int(x) for x in rle_string.split(",")]
    result: List[bool] = []
    is_zero = True
    for count in rle:
        result.extend([is_zero] * count)
        is_zero = not is_zero
    return result


class Results:
    """The GET /results answer; every field is also reachable as an attribute."""

    def __init__(self, data: Dict[str, Any]):
        self.data = data
        self.job_id = data.get("job_id")
        self.metadata = data.get("metadata", {})
        self.detections = data.get("detections", {})
        self.segmentation_masks = data.get("segmentation_masks", {})
        self.tracking = data.get("tracking", {})
        self.scenes = data.get("scenes", [])
        self.reframed_video_url = data.get("reframed_video_url")

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


class Job:
    def __init__(self, client: "Client", job_id: str):
        self.client = client
        self.id = job_id

    def status(self) -> Dict[str, Any]:
        return self.client._request("GET", f"/job/{self.id}")

    def wait(self, interval: float = 2.0, timeout: float = 1800.0, on_progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> Results:
        deadline = time.time() + timeout
        while True:
            status = self.status()
            if on_progress:
                on_progress(status)
            if status["status"] == "completed":
                return self.results()
            if status["status"] == "failed":
                raise VideoReframerError(500, status.get("error_message", "Processing failed"))
            if time.time() > deadline:
                raise VideoReframerError(408, f"Job {self.id} did not finish in time")
            time.sleep(interval)

    def results(self, classes: Optional[str] = None) -> Results:
        path = f"/results/{self.id}" + (f"?classes={classes}" if classes else "")
        return Results(self.client._request("GET", path))

    def download_reframed(self, target: str) -> str:
        response = self.client._send("GET", f"/results/{self.id}/reframed.mp4", stream=True)
        with open(target, "wb") as out:
            for chunk in response.iter_content(1 << 16):
                out.write(chunk)
        return target


class Client:
    def __init__(self, api_key: str, base_url: Optional[str] = None, max_retries: int = 5, timeout: float = 600.0):
        self.api_key = api_key
        self.base_url = (base_url or os.environ.get("VIDEO_REFRAMER_URL") or "http://localhost:3000").rstrip("/")
        self.max_retries = max_retries
        self.timeout = timeout
        self.session = requests.Session()

    def process(self, path: str, fps: Optional[float] = None, aspect: Optional[str] = None) -> Job:
        data: Dict[str, str] = {}
        if fps is not None:
            data["fps"] = str(fps)
        if aspect:
            data["aspect"] = aspect

        def files() -> Dict[str, Any]:
            return {"file": (os.path.basename(path), open(path, "rb"))}

        created = self._request("POST", "/process", data=data, files=files)
        return Job(self, created["job_id"])

    def job(self, job_id: str) -> Job:
        return Job(self, job_id)

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        files = kwargs.pop("files", None)
        for attempt in range(self.max_retries + 1):
            opened = files() if callable(files) else files
            try:
                response = self.session.request(method, self.base_url + path, headers={"X-API-Key": self.api_key}, files=opened, timeout=self.timeout, **kwargs)
            except requests.ConnectionError:
                if attempt >= self.max_retries:
                    raise
                time.sleep(_backoff(attempt))
                continue
            finally:
                if opened:
                    for value in opened.values():
                        value[1].close()
            if (response.status_code == 429 or response.status_code >= 500) and attempt < self.max_retries:
                after = response.headers.get("Retry-After")
                time.sleep(float(after) if after and after.isdigit() else _backoff(attempt))
                continue
            if response.status_code >= 400:
                try:
                    detail = response.json().get("detail", response.text)
                except ValueError:
                    detail = response.text
                raise VideoReframerError(response.status_code, detail)
            return response
        raise VideoReframerError(429, "Too many retries")

    def _request(self, method: str, path: str, **kwargs: Any) -> Dict[str, Any]:
        response = self._send(method, path, **kwargs)
        if response.status_code == 202:
            raise VideoReframerError(202, response.json().get("detail", "Still processing"))
        return response.json()


def _backoff(attempt: int) -> float:
    return min(30.0, 0.5 * 2**attempt) * (0.75 + random.random() / 2)
