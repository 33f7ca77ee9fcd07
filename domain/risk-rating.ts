/**
 * A customer's risk rating (DESIGN.md: rated within 10 working days of opening; it sets how often
 * their identity is checked again and may lower limits). Flow v4 rates at opening; the rules that
 * compute it live beside this (domain/, pure), and core banking keeps the rating with the account.
 */
import * as z from 'zod';

export const riskRatingSchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);
export type RiskRating = z.infer<typeof riskRatingSchema>;
