import { describe, expect, it } from "vitest";
import { initiate, predict, update, type KalmanState, type Mat } from "./kalman";

// The textbook equations with general matrix products, to check the written-out forms against.
const mul = (a: Mat, b: Mat): Mat => a.map((row) => b[0].map((_, j) => row.reduce((sum, value, k) => sum + value * b[k][j], 0)));
const transpose = (a: Mat): Mat => a[0].map((_, j) => a.map((row) => row[j]));
const plus = (a: Mat, b: Mat, sign = 1): Mat => a.map((row, i) => row.map((value, j) => value + sign * b[i][j]));
const diag = (values: number[]): Mat => values.map((value, i) => values.map((_, j) => (i === j ? value : 0)));
const F: Mat = diag([1, 1, 1, 1, 1, 1, 1, 1]).map((row, i) => row.map((value, j) => (j === i + 4 ? 1 : value)));
const H: Mat = diag([1, 1, 1, 1, 1, 1, 1, 1]).slice(0, 4);
function inverse(a: Mat): Mat {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const p = m[c][c];
    m[c] = m[c].map((v) => v / p);
    for (let r = 0; r < n; r++) if (r !== c) m[r] = m[r].map((v, j) => v - m[r][c] * m[c][j]);
  }
  return m.map((row) => row.slice(n));
}

function referencePredict({ mean, covariance }: KalmanState): KalmanState {
  const h = mean[3];
  const q = [h / 20, h / 20, 1e-2, h / 20, h / 160, h / 160, 1e-5, h / 160];
  return { mean: mul(F, mean.map((v) => [v])).map(([v]) => v), covariance: plus(mul(mul(F, covariance), transpose(F)), diag(q.map((s) => s * s))) };
}

function referenceUpdate({ mean, covariance }: KalmanState, z: number[]): KalmanState {
  const h = mean[3];
  const r = [h / 20, h / 20, 1e-1, h / 20];
  const S = plus(mul(mul(H, covariance), transpose(H)), diag(r.map((s) => s * s)));
  const K = mul(mul(covariance, transpose(H)), inverse(S));
  const y = z.map((v, i) => v - mean[i]);
  return {
    mean: mean.map((v, i) => v + K[i].reduce((sum, k, j) => sum + k * y[j], 0)),
    covariance: plus(covariance, mul(mul(K, S), transpose(K)), -1),
  };
}

function expectClose(actual: KalmanState, expected: KalmanState): void {
  actual.mean.forEach((v, i) => expect(v).toBeCloseTo(expected.mean[i], 9));
  actual.covariance.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected.covariance[i][j], 9)));
}

describe("Kalman filter", () => {
  it("predicts and updates exactly as the general matrix equations do", () => {
    let state = initiate([320, 200, 0.4, 150]);
    let reference = state;
    const measurements = [[324, 201, 0.41, 151], [329, 203, 0.39, 149], [333, 204, 0.4, 152], [338, 206, 0.42, 150]];
    for (const z of measurements) {
      state = update(predict(state), z);
      reference = referenceUpdate(referencePredict(reference), z);
      expectClose(state, reference);
    }
    // Two frames without a measurement, then one more.
    state = update(predict(predict(state)), [352, 210, 0.4, 151]);
    reference = referenceUpdate(referencePredict(referencePredict(reference)), [352, 210, 0.4, 151]);
    expectClose(state, reference);
    // It learnt the motion: about 4.5 px per frame to the right.
    expect(state.mean[4]).toBeGreaterThan(3);
    expect(state.mean[4]).toBeLessThan(6);
  });
});
