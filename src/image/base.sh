#!/usr/bin/env bash
# Builds the base image Sigil's container image is layered on (as a `docker save` tarball that Jib reads through
# `tar://`), from the JDK running the build and this machine's C library: no registry is involved.
#
# Why not eclipse-temurin or distroless from a registry: the build machines reach Maven Central and Debian's mirrors
# but no container registry, and a base made here is also what an operator without registry access can build.
# It is small (a jlink'd runtime of the modules Sigil uses plus glibc: about 100 MB, 40 MB gzipped) and has no
# shell or package manager for an attacker to use. It also lets the layer own /data as uid 65532: Jib writes every
# file it adds as root, and a volume created from the image takes the owner of the image's /data, so a non-root
# server could not write to it otherwise.
#
#   bash src/image/base.sh target/image-base/sigil-base.tar     # JAVA_HOME: a JDK 21+ whose jlink works
#
# What goes in: /opt/java/openjdk (jlink), the shared libraries that runtime and the native libraries Sigil unpacks
# at run time (sqlite-jdbc, ACCP) need, /etc/passwd and /etc/group with uid/gid 65532 ("sigil"), /etc/nsswitch.conf,
# /tmp (1777: sqlite-jdbc and ACCP unpack their .so files there), /data (0700, owned by 65532).
set -euo pipefail

out="${1:?usage: base.sh OUTPUT.tar}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jlink="$java_home/bin/jlink"
[[ -x "$jlink" ]] || { echo "base.sh: $jlink not found: JAVA_HOME must be a JDK" >&2; exit 1; }

# The modules `jdeps --print-module-deps` finds in sigil.jar and target/lib (.ci/image checks this list still
# covers them), plus jdk.crypto.cryptoki, jdk.naming.dns, jdk.charsets and jdk.zipfs, which code may reach only
# through service lookup (PKCS#11, DNS names, mail charsets), and jdk.jcmd so an operator can take thread dumps.
MODULES="java.base,java.desktop,java.instrument,java.naming,java.net.http,java.rmi,java.security.jgss"
MODULES+=",java.security.sasl,java.sql,jdk.jfr,jdk.management,jdk.unsupported"
MODULES+=",jdk.crypto.cryptoki,jdk.naming.dns,jdk.charsets,jdk.zipfs,jdk.jcmd"

# Libraries loaded only by AWT's windowing and sound code, which a headless server never loads: their X11 and ALSA
# dependencies stay out of the image.
GUI_LIBS='libawt_xawt.so|libjawt.so|libsplashscreen.so|libjsound.so'
# What sqlite-jdbc's and ACCP's native libraries link against (ldd of each); they are unpacked at run time, so
# they cannot be found by scanning the runtime below.
EXTRA_LIBS=(libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1)

work="$(mktemp -d "${TMPDIR:-/tmp}/sigil-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{etc,tmp,data}

"$jlink" --add-modules "$MODULES" --strip-java-debug-attributes --no-man-pages --no-header-files \
  --output "$rootfs/opt/java/openjdk"

copy_lib() { # copies a library (the file a symlink points at) to the same path in the image
  local path="$1"
  [[ -e "$rootfs$path" ]] && return 0
  mkdir -p "$rootfs$(dirname "$path")"
  cp -L "$path" "$rootfs$path"
}
needed() { # the libraries ldd resolves for $1; fails on one it cannot find
  local out
  # The runtime's own libraries find libjvm.so and each other through the launcher, not a search path.
  out="$(LD_LIBRARY_PATH="$rootfs/opt/java/openjdk/lib/server:$rootfs/opt/java/openjdk/lib" ldd "$1")"
  if grep -q 'not found' <<<"$out"; then
    echo "base.sh: $1 needs a library this machine lacks:" >&2
    grep 'not found' <<<"$out" >&2
    return 1
  fi
  # "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and the loader "/lib64/ld-linux-x86-64.so.2 (0x...)"
  sed -n 's:.*=> \(/[^ ]*\) .*:\1:p; s:^\s*\(/[^ ]*\) (.*:\1:p' <<<"$out"
}
binaries=("$rootfs/opt/java/openjdk/bin/java" "$rootfs/opt/java/openjdk/lib/server/libjvm.so")
while IFS= read -r so; do binaries+=("$so"); done < <(find "$rootfs/opt/java/openjdk/lib" -maxdepth 1 -name '*.so' \
  | grep -Ev "/($GUI_LIBS)\$")
libs="$(for b in "${binaries[@]}"; do needed "$b" || exit 1; done | grep -v "^$rootfs" | sort -u)"
for lib in "${EXTRA_LIBS[@]}"; do
  path="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|AArch64|64bit/ { print $NF; exit }')"
  [[ -n "$path" ]] || { echo "base.sh: no $lib on this machine" >&2; exit 1; }
  libs+=$'\n'"$path"
done
while IFS= read -r lib; do [[ -n "$lib" ]] && copy_lib "$lib"; done <<<"$libs"
# The loader is found by absolute path (PT_INTERP), often through /lib64 -> usr/lib64 on merged-/usr systems.
if [[ -L /lib64 && ! -e "$rootfs/lib64" ]]; then cp -a /lib64 "$rootfs/lib64"; fi

cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
sigil:x:65532:65532:sigil:/data:/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
sigil:x:65532:
GROUP
# Without this file glibc asks DNS before /etc/hosts; a container's /etc/hosts (localhost, links) must win.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/data"

# One layer, reproducible (sorted, mtime 0, numeric owners), everything root's but /data, appended as 65532's.
layer="$work/layer.tar"
tar_opts=(--sort=name --mtime=@0 --numeric-owner --format=posix
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$rootfs")
tar "${tar_opts[@]}" --owner=0 --group=0 --exclude=./data -cf "$layer" .
tar "${tar_opts[@]}" --owner=65532 --group=65532 --no-recursion -rf "$layer" ./data
diff_id="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "base.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
java_version="$("$rootfs/opt/java/openjdk/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.runtime.version = //p')"
cat >"$work/config.json" <<JSON
{
  "architecture": "$arch",
  "os": "linux",
  "created": "1970-01-01T00:00:00Z",
  "config": {
    "Env": ["PATH=/opt/java/openjdk/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java/openjdk", "LANG=C.UTF-8"],
    "User": "65532:65532"
  },
  "rootfs": {"type": "layers", "diff_ids": ["$diff_id"]},
  "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "src/image/base.sh: jlink Java $java_version, glibc"}]
}
JSON
printf '[{"Config":"config.json","RepoTags":["sigil-base:local"],"Layers":["layer.tar"]}]\n' >"$work/manifest.json"

mkdir -p "$(dirname "$out")"
tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 -C "$work" -cf "$out.partial" \
  manifest.json config.json layer.tar
mv "$out.partial" "$out"
echo "base.sh: $out ($(du -h "$out" | cut -f1), Java $java_version, $arch)"
