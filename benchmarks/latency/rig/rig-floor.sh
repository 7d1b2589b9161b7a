#!/bin/sh
# Builds and runs RigFloor against the Sightline jars in the local Maven repository (install the reactor first).
# Usage: rig/rig-floor.sh [width] [height] [fps] [kbps] [seconds]
set -e
here=$(cd "$(dirname "$0")" && pwd)
m2=${M2_REPO:-$HOME/.m2/repository}
v=0.1.0-SNAPSHOT
cp=""
for a in api codec-ffmpeg ffmpeg-natives source-testpattern; do
  cp="$cp:$m2/io/sightline/sightline-$a/$v/sightline-$a-$v.jar"
done
cp="${cp#:}:$(ls "$m2"/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar)"
mkdir -p "$here/target"
javac -nowarn -d "$here/target" -cp "$cp" "$here/io/sightline/source/testpattern/internal/RigFloor.java"
exec java -Dorg.bytedeco.javacpp.cachedir="$here/target/javacpp" -cp "$here/target:$cp" \
  io.sightline.source.testpattern.internal.RigFloor "$@"
