"""A small stdlib HTTP and websocket server that the tunnel tests run inside a devbox.

Usage: ``python3 _tunnel_server.py PORT``. It serves, on 127.0.0.1:
``GET /big?n=N`` N bytes of a known pattern (streamed); ``GET /headers`` the request's headers
as JSON; ``GET /chunked`` three chunks; ``GET /links`` a page with an absolute link;
``POST /digest`` the length and SHA-256 of the request body (Content-Length or chunked);
``GET /ws`` a websocket that echoes each text or binary message. The devbox's python3 may not
have the ``websockets`` package: the websocket is spoken by hand (RFC 6455, unfragmented).
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import struct
import sys

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PATTERN = bytes(range(256)) * 256  # 64 KiB


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # the head and the body are written apart: no 40 ms delayed ACK

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self._websocket()
        elif self.path.startswith("/big?n="):
            size = int(self.path.split("=", 1)[1])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            sent = 0
            while sent < size:
                chunk = PATTERN[: size - sent]
                self.wfile.write(chunk)
                sent += len(chunk)
        elif self.path == "/headers":
            self._send(200, json.dumps({k.lower(): v for k, v in self.headers.items()}).encode())
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"one ", b"two ", b"three"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/links":
            host = self.headers.get("Host", "")
            self._send(200, f'<a href="http://{host}/headers">headers</a>'.encode(), "text/html")
        else:
            self._send(404, b'{"error": "not found"}')

    def do_POST(self) -> None:
        digest = hashlib.sha256()
        length = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data = self.rfile.read(size)
                self.rfile.readline()
                digest.update(data)
                length += len(data)
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left:
                data = self.rfile.read(min(left, 1 << 16))
                digest.update(data)
                length += len(data)
                left -= len(data)
        self._send(200, json.dumps({"length": length, "sha256": digest.hexdigest()}).encode())

    def _websocket(self) -> None:
        accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"] + GUID).encode()).digest())
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept.decode())
        self.end_headers()
        self.wfile.flush()
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                break
            opcode, size = head[0] & 0x0F, head[1] & 0x7F
            if size == 126:
                (size,) = struct.unpack(">H", self.rfile.read(2))
            elif size == 127:
                (size,) = struct.unpack(">Q", self.rfile.read(8))
            mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(size)))
            if opcode == 8:  # close: answer it and end
                self._frame(8, payload[:2])
                break
            self._frame(10 if opcode == 9 else opcode, payload)  # ping -> pong, data echoed
        self.close_connection = True

    def _frame(self, opcode: int, payload: bytes) -> None:
        size = len(payload)
        if size < 126:
            head = struct.pack(">BB", 0x80 | opcode, size)
        elif size < 1 << 16:
            head = struct.pack(">BBH", 0x80 | opcode, 126, size)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 127, size)
        self.wfile.write(head + payload)
        self.wfile.flush()


if __name__ == "__main__":
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
