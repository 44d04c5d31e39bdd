# The vnetlint container: the static (musl) binary on distroless/static, run as a non-root user.
#   docker build -t vnetlint .                 (BuildKit) builds vnetlint from this checkout (Alpine, musl)
#   docker run --rm -v "$PWD:/src" vnetlint check /src
# The release workflow passes --build-arg BINARY_FROM=prebuilt and the binaries it already built
# (image/linux-amd64/vnetlint, image/linux-arm64/vnetlint), so the image holds exactly the
# released binary and no platform is compiled under emulation.
ARG BINARY_FROM=source

FROM rust:1.95-alpine AS source
RUN apk add --no-cache musl-dev gcc
WORKDIR /build
COPY . .
RUN cargo build --release --locked -p vnetlint && cp target/release/vnetlint /vnetlint

FROM scratch AS prebuilt
ARG TARGETOS=linux
ARG TARGETARCH=amd64
COPY image/${TARGETOS}-${TARGETARCH}/vnetlint /vnetlint

FROM ${BINARY_FROM} AS binary

# distroless/static: CA certificates, /etc/passwd with `nonroot` (65532), no shell, no libc.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=binary --chmod=0755 /vnetlint /usr/local/bin/vnetlint
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/vnetlint"]
CMD ["check", "."]
