# Revisit: build with cgo (DuckDB) on Debian 12, run on the same glibc.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/revisit ./cmd/revisit

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data revisit \
 && mkdir -p /data && chown revisit /data
COPY --from=build /out/revisit /usr/local/bin/revisit
USER revisit
WORKDIR /data
ENV REVISIT_DB=/data/revisit.duckdb REVISIT_TZ=Asia/Shanghai
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/revisit"]
CMD ["help"]
