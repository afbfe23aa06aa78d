"""nianbao-ingest: 政府信息公开工作年度报告 in, validated records out.

The pipeline is a chain of stages, each given a typed input and returning a typed output:

    fetch (crawl) -> extract (readers: bytes -> Layout) -> sections -> tables -> meta
    -> statements -> themes -> checks -> Record -> store / index

`ingest.pipeline.parse_bytes` runs the chain for one document.
"""

PARSER_VERSION = "0.1.0"
