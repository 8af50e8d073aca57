"use client";

import { useEffect, useRef, useState } from "react";
import {
  MAX_ZONE_NAME_LENGTH,
  MAX_ZONE_POINTS,
  MAX_ZONES,
  MIN_ZONE_POINTS,
  labelPosition,
  nearestCorner,
  nextZoneName,
  normalisePoint,
  nudgePoint,
  zoneAt,
  zoneProblems,
  type Zone,
  type ZonePoint,
} from "@/lib/analysis/zone-geometry";

/** Zone colours, in drawing order; the list beside the frame uses the same. */
export const zoneColours = ["#f59e0b", "#10b981", "#6366f1", "#ec4899", "#06b6d4", "#84cc16"];

/** How far from a corner (in pixels on the screen) a press still takes it: a finger is wider than a mouse pointer. */
const reach = { mouse: 12, touch: 24 } as const;

/** One arrow-key step, a hundredth of the frame; with Shift, a twentieth. */
const step = { small: 0.01, large: 0.05 } as const;

type Corner = { zone: number; point: number };

/**
 * The zones drawn over a frame, read-only: the analysis viewer lays it over its player. The
 * SVG's units are the frame's shares scaled to 1000 across, so it stretches with the player.
 */
export function ZoneOverlay({ zones, aspect, className = "" }: { zones: Zone[]; aspect: number; className?: string }) {
  const width = 1000;
  const height = width / aspect;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className={`pointer-events-none absolute inset-0 h-full w-full ${className}`} aria-hidden="true" data-testid="zone-overlay">
      {zones.map((zone, z) => {
        const colour = zoneColours[z % zoneColours.length];
        const [lx, ly] = labelPosition(zone.points);
        return (
          <g key={z} data-zone={zone.name}>
            <polygon points={zone.points.map(([x, y]) => `${x * width},${y * height}`).join(" ")} fill={colour} fillOpacity={0.18} stroke={colour} strokeWidth={2} vectorEffect="non-scaling-stroke" />
            <text x={lx * width} y={ly * height} textAnchor="middle" dominantBaseline="middle" fontSize={22} fontWeight={600} fill="#fff" stroke="#0f172a" strokeWidth={4} paintOrder="stroke">
              {zone.name}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * Draws, names and edits zones over one frame of a video (`frameSrc`: the chosen file before a
 * run; after one, a `still` frame of the job's video from the server, since a second <video> of
 * the player's own source can wait behind the player's download of the same URL). Press "Draw a new zone", then click or tap the frame
 * to add corners; tap the first corner, or "Finish zone", to close it. Corners can be dragged
 * (pointer events, so mouse, pen and touch alike) and deleted; each zone is named in the list.
 * With the keyboard: in the frame, the arrows move the cursor and Enter adds a corner while
 * drawing; otherwise [ and ] choose a corner, the arrows move it and Delete removes it.
 * Coordinates are shares of the frame (lib/analysis/zone-geometry.ts), as the payload's `zones`.
 */
export function ZoneEditor({ frameSrc, still = false, zones, onChange, idPrefix }: { frameSrc: string | null; still?: boolean; zones: Zone[]; onChange: (next: Zone[]) => void; idPrefix: string }) {
  const area = useRef<HTMLDivElement>(null);
  const [aspect, setAspect] = useState(16 / 9);
  const [frameFailed, setFrameFailed] = useState<string | null>(null);
  const [shownWidth, setShownWidth] = useState(0);
  const [drawing, setDrawing] = useState<number | null>(null);
  const [selected, setSelected] = useState<Corner | null>(null);
  const [cursor, setCursor] = useState<ZonePoint>([0.5, 0.5]);
  const [focused, setFocused] = useState(false);
  const dragging = useRef<{ corner: Corner; pointerId: number } | null>(null);
  const width = 1000;
  const height = width / aspect;
  // SVG units per screen pixel, so corners keep their size on the screen at any width.
  const unit = shownWidth > 0 ? width / shownWidth : 1;
  const problems = zoneProblems(zones);
  const hintId = `${idPrefix}-zones-hint`;

  useEffect(() => {
    const element = area.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setShownWidth(element.getBoundingClientRect().width));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const update = (index: number, zone: Zone) => onChange(zones.map((candidate, i) => (i === index ? zone : candidate)));
  const pointAt = (event: React.PointerEvent) => normalisePoint(event.clientX, event.clientY, area.current!.getBoundingClientRect());

  function startZone() {
    if (zones.length >= MAX_ZONES) return;
    onChange([...zones, { name: nextZoneName(zones), points: [] }]);
    setDrawing(zones.length);
    setSelected(null);
    area.current?.focus();
  }

  function addCorner(point: ZonePoint) {
    if (drawing === null) return;
    const zone = zones[drawing];
    if (zone.points.length >= MAX_ZONE_POINTS) return;
    update(drawing, { ...zone, points: [...zone.points, point] });
    setSelected({ zone: drawing, point: zone.points.length });
  }

  function finishZone() {
    setDrawing(null);
    setSelected(null);
  }

  function deleteCorner(corner: Corner) {
    const zone = zones[corner.zone];
    update(corner.zone, { ...zone, points: zone.points.filter((_, p) => p !== corner.point) });
    setSelected(null);
  }

  function deleteZone(index: number) {
    onChange(zones.filter((_, i) => i !== index));
    setSelected(null);
    if (drawing === index) setDrawing(null);
    else if (drawing !== null && drawing > index) setDrawing(drawing - 1);
  }

  function onPointerDown(event: React.PointerEvent) {
    if (!area.current || (event.pointerType === "mouse" && event.button !== 0)) return;
    const point = pointAt(event);
    const rect = area.current.getBoundingClientRect();
    const hit = nearestCorner(zones, point, rect, event.pointerType === "touch" ? reach.touch : reach.mouse);
    // Tapping the first corner of the zone being drawn closes it.
    if (hit && drawing !== null && hit.zone === drawing && hit.point === 0 && zones[drawing].points.length >= MIN_ZONE_POINTS) {
      finishZone();
      return;
    }
    if (hit) {
      setSelected(hit);
      dragging.current = { corner: hit, pointerId: event.pointerId };
      area.current.setPointerCapture(event.pointerId);
      event.preventDefault();
      return;
    }
    if (drawing !== null) {
      addCorner(point);
      setCursor(point);
      return;
    }
    const inside = zoneAt(zones, point);
    setSelected(inside === null ? null : { zone: inside, point: 0 });
  }

  function onPointerMove(event: React.PointerEvent) {
    const drag = dragging.current;
    if (!drag || drag.pointerId !== event.pointerId) return;
    const zone = zones[drag.corner.zone];
    const point = pointAt(event);
    update(drag.corner.zone, { ...zone, points: zone.points.map((candidate, p) => (p === drag.corner.point ? point : candidate)) });
  }

  function onPointerUp(event: React.PointerEvent) {
    if (dragging.current?.pointerId !== event.pointerId) return;
    dragging.current = null;
    if (area.current?.hasPointerCapture(event.pointerId)) area.current.releasePointerCapture(event.pointerId);
  }

  function onKeyDown(event: React.KeyboardEvent) {
    const amount = event.shiftKey ? step.large : step.small;
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-amount, 0], ArrowRight: [amount, 0], ArrowUp: [0, -amount], ArrowDown: [0, amount] };
    const move = arrows[event.key];
    if (drawing !== null) {
      if (move) setCursor(nudgePoint(cursor, move[0], move[1]));
      else if (event.key === "Enter" || event.key === " ") addCorner(cursor);
      else if (event.key === "Escape") finishZone();
      else if (event.key === "Backspace" && zones[drawing].points.length) deleteCorner({ zone: drawing, point: zones[drawing].points.length - 1 });
      else return;
      event.preventDefault();
      return;
    }
    const corners = zones.flatMap((zone, z) => zone.points.map((_, p) => ({ zone: z, point: p })));
    const index = selected ? corners.findIndex((c) => c.zone === selected.zone && c.point === selected.point) : -1;
    if ((event.key === "]" || event.key === "[") && corners.length) {
      const next = event.key === "]" ? (index + 1) % corners.length : (index - 1 + corners.length) % corners.length;
      setSelected(corners[next]);
    } else if (move && selected) {
      const zone = zones[selected.zone];
      update(selected.zone, { ...zone, points: zone.points.map((point, p) => (p === selected.point ? nudgePoint(point, move[0], move[1]) : point)) });
    } else if ((event.key === "Delete" || event.key === "Backspace") && selected) {
      deleteCorner(selected);
    } else return;
    event.preventDefault();
  }

  const frameError = frameSrc !== null && frameFailed === frameSrc;
  // What the still and the video frame share: under the zones, out of the way of pointers.
  const frameProps = {
    src: frameSrc ?? undefined,
    className: "pointer-events-none absolute inset-0 h-full w-full",
    "data-testid": "zone-frame",
    "aria-hidden": true,
    onError: () => setFrameFailed(frameSrc),
  };
  const drawingZone = drawing === null ? null : zones[drawing];
  return (
    <div className="space-y-3" data-testid="zone-editor">
      <p id={hintId} className="text-sm text-slate-600">
        {drawingZone
          ? `Click or tap the frame to add corners to “${drawingZone.name || "the new zone"}” (${drawingZone.points.length} so far); tap its first corner or press “Finish zone” to close it. Keys: arrows move the cross, Enter adds a corner, Esc finishes.`
          : "Draw the areas where people come and go: each zone reports who entered it, left it or stayed in it. Drag a corner to move it. Keys: [ and ] choose a corner, arrows move it, Delete removes it."}
      </p>
      <div
        ref={area}
        role="application"
        aria-label="Frame to draw zones on"
        aria-describedby={hintId}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        className={`relative w-full touch-none select-none overflow-hidden rounded-lg bg-slate-800 outline-none focus-visible:ring-4 focus-visible:ring-brand-500/40 ${drawing !== null ? "cursor-crosshair" : ""}`}
        style={{ aspectRatio: aspect }}
        data-testid="zone-canvas"
      >
        {frameSrc && !frameError && still && (
          // eslint-disable-next-line @next/next/no-img-element -- the job's own frame from our API, fetched with the caller's session
          <img
            key={frameSrc}
            {...frameProps}
            alt=""
            onLoad={(event) => {
              const image = event.currentTarget;
              if (image.naturalWidth > 0 && image.naturalHeight > 0) setAspect(image.naturalWidth / image.naturalHeight);
            }}
          />
        )}
        {frameSrc && !frameError && !still && (
          <video
            key={frameSrc}
            {...frameProps}
            muted
            playsInline
            preload="auto"
            onLoadedMetadata={(event) => {
              const video = event.currentTarget;
              if (video.videoWidth > 0 && video.videoHeight > 0) setAspect(video.videoWidth / video.videoHeight);
              // A frame a second in (or halfway through a shorter video): past a black first frame.
              if (Number.isFinite(video.duration)) video.currentTime = Math.min(1, video.duration / 2);
            }}
          />
        )}
        <svg viewBox={`0 0 ${width} ${height}`} className="absolute inset-0 h-full w-full" aria-hidden="true">
          {zones.map((zone, z) => {
            const colour = zoneColours[z % zoneColours.length];
            const points = zone.points.map(([x, y]) => `${x * width},${y * height}`).join(" ");
            const [lx, ly] = labelPosition(zone.points);
            return (
              <g key={z} data-testid="zone-shape" data-zone={zone.name}>
                {z === drawing ? (
                  <polyline points={points} fill="none" stroke={colour} strokeWidth={2} strokeDasharray="6 4" vectorEffect="non-scaling-stroke" />
                ) : (
                  <polygon points={points} fill={colour} fillOpacity={0.2} stroke={colour} strokeWidth={2} vectorEffect="non-scaling-stroke" />
                )}
                {zone.points.length >= MIN_ZONE_POINTS && (
                  <text x={lx * width} y={ly * height} textAnchor="middle" dominantBaseline="middle" fontSize={14 * unit} fontWeight={600} fill="#fff" stroke="#0f172a" strokeWidth={3 * unit} paintOrder="stroke">
                    {zone.name}
                  </text>
                )}
                {zone.points.map(([x, y], p) => {
                  const isSelected = selected?.zone === z && selected.point === p;
                  return (
                    <circle key={p} cx={x * width} cy={y * height} r={(isSelected ? 8 : 6) * unit} fill={isSelected ? "#fff" : colour} stroke={isSelected ? colour : "#fff"} strokeWidth={2 * unit} data-testid="zone-corner" />
                  );
                })}
              </g>
            );
          })}
          {drawing !== null && focused && (
            <g stroke="#fff" strokeWidth={1.5 * unit} data-testid="zone-cursor">
              <line x1={cursor[0] * width - 10 * unit} x2={cursor[0] * width + 10 * unit} y1={cursor[1] * height} y2={cursor[1] * height} />
              <line x1={cursor[0] * width} x2={cursor[0] * width} y1={cursor[1] * height - 10 * unit} y2={cursor[1] * height + 10 * unit} />
            </g>
          )}
        </svg>
        {!frameSrc && <p className="absolute inset-x-0 top-2 px-3 text-center text-xs text-slate-200">No frame to show yet: choose a video to draw on one of its frames.</p>}
        {frameError && <p className="absolute inset-x-0 top-2 px-3 text-center text-xs text-slate-200" data-testid="zone-frame-error">This browser cannot show a frame of this video; the zones can still be drawn, in shares of the frame.</p>}
      </div>
      <div className="flex flex-wrap gap-2">
        {drawing === null ? (
          <button type="button" onClick={startZone} disabled={zones.length >= MAX_ZONES} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-50">
            Draw a new zone
          </button>
        ) : (
          <>
            <button type="button" onClick={finishZone} disabled={(drawingZone?.points.length ?? 0) < MIN_ZONE_POINTS} className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50">
              Finish zone
            </button>
            <button type="button" onClick={() => drawingZone?.points.length && deleteCorner({ zone: drawing, point: drawingZone.points.length - 1 })} disabled={!drawingZone?.points.length} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-50">
              Undo last corner
            </button>
          </>
        )}
        {selected && zones[selected.zone]?.points[selected.point] && (
          <button type="button" onClick={() => deleteCorner(selected)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
            Delete the chosen corner
          </button>
        )}
      </div>
      {zones.length > 0 && (
        <ol className="space-y-2" aria-label="Zones">
          {zones.map((zone, z) => (
            <li key={z} className="flex flex-wrap items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm" data-testid="zone-row">
              <span aria-hidden="true" className="h-3 w-3 shrink-0 rounded-full" style={{ background: zoneColours[z % zoneColours.length] }} />
              <label htmlFor={`${idPrefix}-zone-${z}-name`} className="sr-only">
                Name of zone {z + 1}
              </label>
              <input
                id={`${idPrefix}-zone-${z}-name`}
                value={zone.name}
                maxLength={MAX_ZONE_NAME_LENGTH + 20}
                onChange={(event) => update(z, { ...zone, name: event.target.value })}
                className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20"
                data-testid="zone-name"
              />
              <span className="text-slate-600" data-testid="zone-point-count">
                {zone.points.length} {zone.points.length === 1 ? "corner" : "corners"}
                {z === drawing ? " · drawing" : ""}
              </span>
              <button type="button" onClick={() => deleteZone(z)} className="rounded-md border border-red-300 px-2 py-1 text-red-700 hover:bg-red-50" aria-label={`Delete zone ${zone.name.trim() || z + 1}`}>
                Delete
              </button>
            </li>
          ))}
        </ol>
      )}
      {problems.length > 0 && drawing === null && (
        <ul className="list-disc space-y-0.5 rounded-md bg-amber-50 py-2 pr-3 pl-7 text-sm text-amber-900" data-testid="zone-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
