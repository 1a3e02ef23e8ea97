import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** One star rating of a group (seed 002 群星级评定), kept as history; the room shows the latest. */
const starRatingSchema = new Schema(
  {
    roomId: { type: Schema.Types.ObjectId, required: true },
    star: { type: Number, required: true },
    /** The rater's state: 0 undefined, 1 initial, 2 upgraded, 3 degraded, 4 confirmed, 5 manual, 6 timeout, 10 quit. */
    state: { type: Number, required: true },
    /** Who rated: the API key's name or the operator. */
    source: String,
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
starRatingSchema.index({ roomId: 1, at: -1 });

export type StarRatingDoc = InferSchemaType<typeof starRatingSchema> & { _id: import('mongoose').Types.ObjectId };

export function starRatingModel(conn: Connection): Model<StarRatingDoc> {
  return (conn.models.StarRating as Model<StarRatingDoc>) ?? conn.model<StarRatingDoc>('StarRating', starRatingSchema);
}
