package simulate

import (
	"math"
	"math/rand/v2"

	"github.com/caliper-dev/caliper/runtime/stats"
)

// Sensitivity of interleaving against an A/B test on the same simulated
// users (the README's table). A pool of users is simulated once
// (InterleavingConfig); each user keeps their interleaved clicks outcome
// (wins, losses, ties of the treatment over their sessions) and their
// clicks under either ranker's own list (the A/B potential outcomes). A
// replicate of N users draws N users from the pool with replacement; the
// interleaving tests the click preference share by the delta method over
// users (Caliper's default `test unit`), the A/B test assigns each drawn
// user a ranker by a fair coin and compares clicks per user by Welch's t
// test. Power is the share of replicates that detect the better ranker
// (two-sided p < alpha, in the right direction).

// SensitivityRow is one planted quality difference's result.
type SensitivityRow struct {
	// Quality is the treatment ranker's quality (the baseline's is 1).
	Quality float64
	// PlantedShare and PlantedLift are the population click preference
	// share and A/B relative lift in clicks per user (PlantedValues).
	PlantedShare, PlantedLift float64
	// ILUsers and ABUsers are the users at which each design reaches the
	// target power (log-linear interpolation between measured sizes); 0
	// when not reached below MaxUsers.
	ILUsers, ABUsers float64
	// ILCoverage and SignCoverage are the shares of replicates at ILUsers
	// whose 1−alpha interval (unit test, sign test) holds PlantedShare.
	ILCoverage, SignCoverage float64
	Replicates               int
}

// SensitivityConfig sets the study.
type SensitivityConfig struct {
	Pool       int     // users simulated per quality
	Replicates int     // replicates per evaluated size
	Alpha      float64 // test level
	Power      float64 // target power
	MaxUsers   int
	Seed       uint64
}

// DefaultSensitivity is the README's study.
func DefaultSensitivity() SensitivityConfig {
	return SensitivityConfig{Pool: 100000, Replicates: 400, Alpha: 0.05, Power: 0.8, MaxUsers: 2000000, Seed: 20261205}
}

type ilUserStats struct {
	w, l, t float64
	ab      [2]float64
}

// Sensitivity measures one quality difference.
func (sc SensitivityConfig) Sensitivity(quality float64) SensitivityRow {
	cfg := DefaultInterleaving(sc.Pool, sc.Seed)
	cfg.Quality[1] = quality
	planted := cfg.PlantedValues(200000)
	pool := make([]ilUserStats, 0, sc.Pool)
	for _, u := range cfg.SimulateUsers() {
		var s ilUserStats
		for _, x := range u.Sessions {
			switch c, _ := x.ILOutcome(); c {
			case 1:
				s.w++
			case -1:
				s.l++
			default:
				s.t++
			}
			s.ab[0] += float64(x.ABClicks[0])
			s.ab[1] += float64(x.ABClicks[1])
		}
		pool = append(pool, s)
	}
	rng := rand.New(rand.NewPCG(sc.Seed, uint64(quality*1e6)))
	il := func(n int) float64 {
		hits := 0
		for r := 0; r < sc.Replicates; r++ {
			var m stats.PreferenceMoments
			for i := 0; i < n; i++ {
				u := &pool[rng.IntN(len(pool))]
				m.AddUnit(u.w, u.l, u.t)
			}
			if p := stats.ComparePreference(m, stats.UnitTest, sc.Alpha); p.ShareEstimable() && p.PValue < sc.Alpha && p.Share.Estimate > 0.5 {
				hits++
			}
		}
		return float64(hits) / float64(sc.Replicates)
	}
	ab := func(n int) float64 {
		hits := 0
		for r := 0; r < sc.Replicates; r++ {
			var arm [2]stats.Moments
			for i := 0; i < n; i++ {
				u := &pool[rng.IntN(len(pool))]
				a := rng.IntN(2)
				v := u.ab[a]
				arm[a] = arm[a].Add(stats.Moments{N: 1, Sum: v, SumSq: v * v})
			}
			c := stats.Compare(stats.MeanArm(arm[0]), stats.MeanArm(arm[1]), sc.Alpha, stats.WelchT)
			if c.Estimable() && c.PValue < sc.Alpha && c.Absolute.Estimate > 0 {
				hits++
			}
		}
		return float64(hits) / float64(sc.Replicates)
	}
	row := SensitivityRow{Quality: quality, PlantedShare: planted.ClickShare, PlantedLift: planted.ClickLift, Replicates: sc.Replicates}
	row.ILUsers = sc.usersFor(il)
	row.ABUsers = sc.usersFor(ab)
	if row.ILUsers > 0 {
		n := int(math.Round(row.ILUsers))
		unit, sign := 0, 0
		for r := 0; r < sc.Replicates; r++ {
			var m stats.PreferenceMoments
			for i := 0; i < n; i++ {
				u := &pool[rng.IntN(len(pool))]
				m.AddUnit(u.w, u.l, u.t)
			}
			if p := stats.ComparePreference(m, stats.UnitTest, sc.Alpha); p.ShareEstimable() && p.Share.Lower <= planted.ClickShare && planted.ClickShare <= p.Share.Upper {
				unit++
			}
			if p := stats.ComparePreference(m, stats.SignTest, sc.Alpha); p.ShareEstimable() && p.Share.Lower <= planted.ClickShare && planted.ClickShare <= p.Share.Upper {
				sign++
			}
		}
		row.ILCoverage = float64(unit) / float64(sc.Replicates)
		row.SignCoverage = float64(sign) / float64(sc.Replicates)
	}
	return row
}

// usersFor finds the users at which power reaches sc.Power: doubling
// from 8 users to bracket it, then bisecting the bracket on the log
// scale, and interpolating log-linearly between the last two sizes.
func (sc SensitivityConfig) usersFor(power func(n int) float64) float64 {
	lo, plo := 4, 0.0
	hi := 8
	phi := power(hi)
	for phi < sc.Power {
		if hi >= sc.MaxUsers {
			return 0
		}
		lo, plo = hi, phi
		hi *= 2
		phi = power(hi)
	}
	for k := 0; k < 4 && hi-lo > 1; k++ {
		mid := int(math.Round(math.Sqrt(float64(lo) * float64(hi))))
		if mid <= lo || mid >= hi {
			break
		}
		if pm := power(mid); pm >= sc.Power {
			hi, phi = mid, pm
		} else {
			lo, plo = mid, pm
		}
	}
	if phi == plo {
		return float64(hi)
	}
	f := (sc.Power - plo) / (phi - plo)
	return math.Exp(math.Log(float64(lo)) + f*(math.Log(float64(hi))-math.Log(float64(lo))))
}
