/** parse-prometheus-text-format ships no types: the shape the tests read. */
declare module 'parse-prometheus-text-format' {
  interface ParsedMetric {
    value?: string;
    count?: string;
    sum?: string;
    buckets?: Record<string, string>;
    labels?: Record<string, string>;
  }
  export default function parse(text: string): { name: string; help: string; type: string; metrics: ParsedMetric[] }[];
}
