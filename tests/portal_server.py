"""A misbehaving government portal on 127.0.0.1 for crawl tests (a real HTTP server).

`Portal` serves a tree of routes; each route is a static body (with ETag/Last-Modified,
so conditional requests get 304) or a behaviour: 503-then-OK, 500 always, redirects, a
slow answer, a truncated body. It logs every request (path, Host, validators, status) and
tracks the most requests in flight at once per Host. `report_text` and friends write small
invented reports in the 2021 template shape as TXT, HTML, PDF and DOCX.
"""
from __future__ import annotations

import hashlib
import io
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

LAST_MODIFIED = "Mon, 05 Feb 2024 08:00:00 GMT"

HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项")


def report_text(agency: str, year: int = 2023) -> str:
    """A short invented annual report of `agency` in the 2021 template's shape."""
    body = {
        HEADINGS[0]: f"{year}年，{agency}坚持以公开为常态，主动公开各类信息{len(agency) * 3}条，"
                     "依申请公开渠道畅通，政府信息管理和平台建设持续加强。",
        HEADINGS[1]: "第二十条第（一）项\n信息内容\t本年制发件数\t本年度止件数\t现行有效件数\n"
                     "规章\t0\t0\t0\n行政规范性文件\t1\t2\t2",
        HEADINGS[2]: f"本年新收政府信息公开申请{len(agency)}件，均已按期答复。",
        HEADINGS[3]: "本年度未发生政府信息公开行政复议、行政诉讼案件。",
        HEADINGS[4]: "存在的问题：信息更新不够及时，政策解读形式单一。改进情况：加强业务培训，"
                     "完善审核机制，提升公开质量。",
        HEADINGS[5]: f"本年度未收取信息处理费。\n{agency}\n{year + 1}年1月15日",
    }
    lines = [f"{agency}{year}年政府信息公开工作年度报告", ""]
    for heading, text in body.items():
        lines += [heading, text, ""]
    return "\n".join(lines)


def report_html(agency: str, year: int = 2023, charset: str = "utf-8") -> bytes:
    """The report inline in an article page, with site chrome around it."""
    paras = "".join(f"<p>{line}</p>" for line in report_text(agency, year).splitlines()[2:] if line)
    page = (f'<html><head><meta charset="{charset}"><title>{agency}{year}年政府信息公开工作年度报告'
            f'</title></head><body><div class="crumb">当前位置：首页 &gt; 政府信息公开年报</div>'
            f'<h1>{agency}{year}年政府信息公开工作年度报告</h1>'
            f'<div class="font">字号：大 中 小 打印</div><div class="article">{paras}</div>'
            f'<div class="footer">主办单位：{agency}</div></body></html>')
    return page.encode(charset)


def report_pdf(agency: str, year: int = 2023) -> bytes:
    """The report as a PDF with a Chinese text layer (reportlab, WenQuanYi Micro Hei)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "wqy" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("wqy", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                                       subfontIndex=0))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    y = 800
    for line in report_text(agency, year).replace("\t", "    ").splitlines():
        for start in range(0, max(len(line), 1), 34):
            pdf.setFont("wqy", 11)
            pdf.drawString(50, y, line[start:start + 34])
            y -= 18
            if y < 60:
                pdf.showPage()
                y = 800
    pdf.save()
    return out.getvalue()


def report_docx(agency: str, year: int = 2023) -> bytes:
    import docx

    document = docx.Document()
    for line in report_text(agency, year).splitlines():
        if line:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def listing_html(title: str, links: list[tuple[str, str]], charset: str = "utf-8") -> bytes:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    nav = '<div class="nav"><a href="/">首页</a><a href="/about.html">机构概况</a></div>'
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{title}</title></head><body>{nav}<h2>{title}</h2><ul>{items}</ul>"
            "</body></html>").encode(charset)


# ---- the server ------------------------------------------------------------------------
@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None        # for redirects
    fail_first: int = 0                # answer 503 (Retry-After) this many times first
    retry_after: str | None = "1"
    delay: float = 0.0                 # seconds before answering
    truncate: bool = False             # promise more bytes than sent, then close
    no_length: bool = False            # no Content-Length: the body ends when the socket closes
    validators: bool = True            # ETag / Last-Modified / 304
    hits: int = 0


@dataclass
class Portal:
    routes: dict[str, Route] = field(default_factory=dict)
    base_delay: float = 0.02           # every answer waits this long (makes overlap visible)
    log: list[dict] = field(default_factory=list)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    busiest: dict[str, list[str]] = field(default_factory=dict)  # paths in flight at the peak
    _flying: list[list] = field(default_factory=list)  # [host, path, handler] of each request
    _lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def start(self) -> "Portal":
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's naming
                portal._serve(self)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()
            self.max_in_flight.clear()
            self.busiest.clear()

    # -- serving --
    def _enter(self, host: str, path: str, handler: BaseHTTPRequestHandler) -> list:
        """Count a request in flight; return its token for `_leave`. A request whose client
        has already hung up (a timeout) stops counting even if its thread has not noticed."""
        with self._lock:
            for token in list(self._flying):
                if _hung_up(token[2]):
                    self._drop(token)
            token = [host, path, handler]
            self._flying.append(token)
            now = sum(t[0] == host for t in self._flying)
            if now > self.max_in_flight.get(host, 0):
                self.max_in_flight[host] = now
                self.busiest[host] = [t[1] for t in self._flying if t[0] == host]
            return token

    def _leave(self, token: list) -> None:
        with self._lock:
            self._drop(token)

    def _drop(self, token: list) -> None:
        if token in self._flying:
            self._flying.remove(token)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        host = handler.headers.get("Host", "")
        path = handler.path.split("?")[0]
        entry = {"path": path, "host": host, "agent": handler.headers.get("User-Agent"),
                 "if_none_match": handler.headers.get("If-None-Match"),
                 "if_modified_since": handler.headers.get("If-Modified-Since")}
        token = self._enter(host, path, handler)
        # the request stops counting as in flight once its last bytes go out: the client may
        # read them and send its next request before this thread runs on
        handler.last_bytes = lambda: self._leave(token)
        try:
            time.sleep(self.base_delay)
            entry["status"] = self._answer(handler, self.routes.get(path))
        except (BrokenPipeError, ConnectionResetError):
            entry["status"] = "client gone"
        finally:
            self._leave(token)
            with self._lock:
                self.log.append(entry)

    def _answer(self, h: BaseHTTPRequestHandler, route: Route | None) -> int:
        if route is None:
            return _send(h, 404, b"<html><body>404 Not Found</body></html>")
        route.hits += 1
        if route.delay and not _wait_unless_client_leaves(h, route.delay):
            raise ConnectionResetError("client closed the connection while waiting")
        if route.hits <= route.fail_first:
            extra = {"Retry-After": route.retry_after} if route.retry_after else {}
            return _send(h, 503, b"busy", extra=extra)
        if route.location:
            return _send(h, route.status, b"", extra={"Location": route.location})
        if route.status != 200:
            return _send(h, route.status, b"<html><body>server error</body></html>")
        etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        extra = {"ETag": etag, "Last-Modified": LAST_MODIFIED} if route.validators else {}
        asked = h.headers.get("If-None-Match")  # it wins over If-Modified-Since (RFC 9110)
        if route.validators and (asked == etag if asked is not None
                                 else h.headers.get("If-Modified-Since") == LAST_MODIFIED):
            return _send(h, 304, b"", extra=extra)
        if route.truncate:
            h.send_response(200)
            h.send_header("Content-Type", route.content_type)
            h.send_header("Content-Length", str(len(route.body) * 2))
            h.end_headers()
            h.wfile.write(route.body[: len(route.body) // 2])
            h.wfile.flush()
            h.close_connection = True
            return 200
        if route.no_length:
            h.send_response(200)
            h.send_header("Content-Type", route.content_type)
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.write(route.body)
            h.close_connection = True
            return 200
        return _send(h, 200, route.body, content_type=route.content_type, extra=extra)


def _hung_up(h: BaseHTTPRequestHandler) -> bool:
    """True when the client closed the connection of this request."""
    try:
        ready, _, _ = select.select([h.connection], [], [], 0)
        return bool(ready) and h.connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _wait_unless_client_leaves(h: BaseHTTPRequestHandler, seconds: float) -> bool:
    """Sleep `seconds`; False as soon as the client closes its connection (a client that
    gave up has no request in flight any more)."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([h.connection], [], [], min(left, 0.05))
        if ready and h.connection.recv(1, socket.MSG_PEEK) == b"":
            return False
    return True


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, *,
          content_type: str = "text/html; charset=utf-8", extra: dict | None = None) -> int:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(body)))
    for key, value in (extra or {}).items():
        h.send_header(key, value)
    if not body or status == 304:
        h.last_bytes()
        h.end_headers()
        return status
    h.end_headers()
    h.last_bytes()
    h.wfile.write(body)
    return status


# ---- the standard misbehaving portal ----------------------------------------------------
PDF = "application/pdf"
GOOD = {  # path of each good report -> its agency (each must land exactly once)
    "/ndbg/t1.html": "石桥镇人民政府",
    "/files/a.pdf": "桃源县教育局",
    "/files/b.docx": "杨柳区民政局",
    "/ndbg/flaky.html": "双河市统计局",
    "/files/c.txt": "龙泉县审计局",
    "/ndbg/t3.html": "新安区司法局",
}


def build_portal(extra_reports: int = 0, report_delay: float = 0.0,
                 make: Callable[[str], bytes] | None = None) -> Portal:
    """The misbehaving portal of the crawl tests (not started). `extra_reports` adds that
    many more TXT reports to the second listing page, each answered after `report_delay`."""
    portal = Portal()
    r = portal.routes
    title = "{}2023年政府信息公开工作年度报告"
    r["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    r["/ndbg/t1.html"] = Route(report_html(GOOD["/ndbg/t1.html"]))
    r["/ndbg/t2.html"] = Route(
        listing_html("桃源县教育局2023年政府信息公开工作年度报告",
                     [("/files/a.pdf", "附件：桃源县教育局2023年政府信息公开工作年度报告.pdf")]))
    pdf = report_pdf(GOOD["/files/a.pdf"])
    r["/files/a.pdf"] = Route(pdf, PDF)
    r["/files/a-copy.pdf"] = Route(pdf, PDF)
    r["/files/b.docx"] = Route(report_docx(GOOD["/files/b.docx"]), "application/octet-stream")
    r["/ndbg/flaky.html"] = Route(report_html(GOOD["/ndbg/flaky.html"]), fail_first=1)
    r["/files/broken.pdf"] = Route(status=500)
    for i, nxt in (("1", "/r/2"), ("2", "/r/3"), ("3", "/files/c.txt")):
        r[f"/r/{i}"] = Route(status=302, location=nxt)
    r["/files/c.txt"] = Route(report_text(GOOD["/files/c.txt"]).encode(), "text/plain")
    r["/loop/a"] = Route(status=302, location="/loop/b")
    r["/loop/b"] = Route(status=301, location="/loop/a")
    r["/r/away"] = Route(status=302, location=portal_placeholder("/files/away.pdf"))
    r["/files/slow.pdf"] = Route(pdf, PDF, delay=4.0)
    r["/files/truncated.pdf"] = Route(report_pdf("白沙镇人民政府"), PDF, truncate=True)
    r["/files/error.pdf"] = Route(b"<html><head><title>500 Internal Server Error</title></head>"
                                  b"<body><h1>Server Error</h1><p>Please try later.</p></body>"
                                  b"</html>", PDF)
    r["/files/old.doc"] = Route(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2040,
                                "application/msword")
    r["/private/secret.pdf"] = Route(pdf, PDF)
    r["/ndbg/t3.html"] = Route(report_html(GOOD["/ndbg/t3.html"]))
    first = [
        ("/ndbg/t1.html", title.format(GOOD["/ndbg/t1.html"])),
        ("/ndbg/t2.html", title.format(GOOD["/files/a.pdf"])),
        ("/files/b.docx", title.format(GOOD["/files/b.docx"])),
        ("/files/a-copy.pdf", title.format(GOOD["/files/a.pdf"]) + "（PDF版）"),
        ("/ndbg/jd.html", "图文解读：桃源县教育局2023年政府信息公开工作年度报告"),
        ("/ndbg/flaky.html", title.format(GOOD["/ndbg/flaky.html"])),
        ("/files/broken.pdf", title.format("清水乡人民政府")),
        ("/r/1", title.format(GOOD["/files/c.txt"])),
        ("/loop/a", title.format("鸣凤镇人民政府")),
        ("/r/away", title.format("柏树坪乡人民政府")),
        ("/files/slow.pdf", title.format("南湖区水利局")),
        ("/files/truncated.pdf", title.format("白沙镇人民政府")),
        ("/files/error.pdf", title.format("东篱县林业局")),
        ("/files/old.doc", title.format("荷塘区商务局")),
        ("/private/secret.pdf", title.format("黄土岭镇人民政府")),
        (portal_placeholder("/files/other.pdf"), title.format("外站某局")),
        ("/ndbg/index_1.html", "下一页"),
    ]
    r["/ndbg/index.html"] = Route(listing_html("政府信息公开年报", first, charset="gbk"),
                                  "text/html")  # GBK, the charset only in <meta>
    second = [("/ndbg/t3.html", title.format(GOOD["/ndbg/t3.html"]))]
    for i in range(extra_reports):
        agency = f"第{i + 1}测试区统计局"
        path = f"/files/extra-{i}.txt"
        r[path] = Route((make or (lambda a: report_text(a).encode()))(agency), "text/plain",
                        delay=report_delay)
        second.append((path, title.format(agency)))
    r["/ndbg/index_1.html"] = Route(listing_html("政府信息公开年报（第2页）", second))
    return portal


PLACEHOLDER = "http://OTHERHOST"


def portal_placeholder(path: str) -> str:
    """A link to the same server under another host name (filled in once the port is known)."""
    return PLACEHOLDER + path


def start_portal(**kwargs) -> Portal:
    """Build, start and fill in the other-host links (`localhost:<port>`)."""
    portal = build_portal(**kwargs).start()
    other = f"http://localhost:{portal.port}"
    for route in portal.routes.values():
        if route.location and route.location.startswith(PLACEHOLDER):
            route.location = route.location.replace(PLACEHOLDER, other)
        if PLACEHOLDER.encode() in route.body:
            route.body = route.body.replace(PLACEHOLDER.encode(), other.encode())
    return portal
