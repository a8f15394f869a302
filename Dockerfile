# Revisit: built with cgo (DuckDB's static libraries) on Debian 12 and run on
# Debian 12's slim image, whose glibc, libstdc++ and libgcc are the ones the
# binary was linked against. scripts/runtime-libs.sh proves that without a
# Docker engine (see the README's Docker section).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags='-s -w' -o /out/revisit ./cmd/revisit

FROM debian:bookworm-slim
# Nothing is installed: the binary needs only libc6, libstdc++6 and
# libgcc-s1, which the image has, and checks its own health.
RUN groupadd --system --gid 10001 revisit \
 && useradd --system --uid 10001 --gid revisit --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin revisit \
 && mkdir -p /data/inbox /data/outbox /data/backups \
 && chown -R revisit:revisit /data
COPY --from=build /out/revisit /usr/local/bin/revisit
# The warehouse, its ID-number key (revisit.duckdb.key beside it), the
# nightly inbox and outbox, and the backups taken through the API all live
# in the volume.
ENV REVISIT_DB=/data/revisit.duckdb \
    REVISIT_ADDR=:8080 \
    REVISIT_INBOX=/data/inbox \
    REVISIT_OUTBOX=/data/outbox \
    REVISIT_BACKUP_DIR=/data/backups \
    REVISIT_TZ=Asia/Shanghai
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8080
# `revisit health` asks /livez at the port of REVISIT_ADDR.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/revisit", "health"]
ENTRYPOINT ["/usr/local/bin/revisit"]
CMD ["serve"]
