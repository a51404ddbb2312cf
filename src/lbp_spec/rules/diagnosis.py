"""Diagnostic process: need for assistance, red flags, LRS, the neurological examination."""

from __future__ import annotations

from lbp_spec.advice import Window
from lbp_spec.logic import cmp, flag
from lbp_spec.rule import Rule, add, refer, sets
from lbp_spec.rules.definitions import (
    ANY_RED_FLAG,
    EMERGENCY,
    REFERRED_INSTEAD_OF_TREATMENT,
    SAFETY_NET_SIGN,
    SEVERE_LRS,
    TREATABLE,
)
from lbp_spec.vocabulary import AdviceWarning, ExamComponent, ReferralMode, Section, Urgency

_INSTEAD = ReferralMode.INSTEAD_OF_TREATMENT

__all__ = ["RULES"]

_EXAM = "neurological_examination"

RULES = (
    Rule(
        id="INDICATION.THERAPY",
        section=Section.NEED_FOR_ASSISTANCE,
        title="Indication for physical or exercise therapy",
        quote=(
            "There is an indication for physical therapy or exercise therapy when:",
            "a patient with low back pain sees the physical or exercise therapist with a need "
            "for assistance related to limitations in activities of daily living and/or social "
            "participation based on movement-related functioning and",
            "the therapist sees no reason to refer the patient (back) to the general "
            "practitioner or referring specialist (see red flags).",
        ),
        when=TREATABLE & ~REFERRED_INSTEAD_OF_TREATMENT,
        then=[sets("physiotherapy_indicated", True)],
        note=(
            "The reasons to refer are those this guideline names: a red flag, a possible sign "
            "of a neurological emergency (including the safety-net signs) and severe LRS. A "
            "referral at a follow-up because the treatment has not helped enough (profiles 1 "
            "and 2 when nothing new is expected, profile 3 at week 12, LRS that persists) "
            "replaces the treatment, so it ends the indication too; the profile is still "
            "reported. The referral about the medication dose goes alongside the treatment "
            "and leaves the indication as it is."
        ),
    ),
    Rule(
        id="REDFLAG.REFER",
        section=Section.RED_FLAGS,
        title="Red flag: refer to the GP",
        quote=(
            "Assess whether there are signs that could indicate a fracture, infection, tumour "
            "or inflammatory condition, or a neurological emergency.",
            "the therapist sees no reason to refer the patient (back) to the general "
            "practitioner or referring specialist (see red flags).",
        ),
        when=ANY_RED_FLAG,
        then=refer(Urgency.NOT_STATED, _INSTEAD),
        note=(
            "The summary asks to assess red flags and names them as the reason to refer, but "
            "gives no urgency for a fracture, infection, tumour or inflammatory condition. The "
            "spec does not invent one: the urgency is not_stated (the therapist judges it; it "
            "does not mean 'can wait'). Immediacy is given only where the text speaks of an "
            "emergency. The referral replaces the treatment: a red flag is a reason to refer "
            "instead of treating."
        ),
    ),
    Rule(
        id="EMERGENCY.REFER",
        section=Section.RED_FLAGS,
        title="Neurological emergency: refer immediately",
        quote=(
            "Assess whether there are signs that could indicate a fracture, infection, tumour "
            "or inflammatory condition, or a neurological emergency.",
            "Possible signs of a neurological emergency: urine retention, faecal or urinary "
            "incontinence, severe motor deficit (MCR score ≤ 3 out of 5) or widespread "
            "neurological symptoms (such as pyramidal signs).",
        ),
        when=EMERGENCY,
        then=refer(Urgency.IMMEDIATE, _INSTEAD),
        note=(
            "'MCR score' is a typing error for the MRC (Medical Research Council) grade; it is "
            "read from neurological_exam.mrc_lowest. An extensor plantar response (Babinski "
            "sign) found when examining the reflexes of the soles of the feet is a pyramidal "
            "sign, which the text names as a possible sign of a neurological emergency; it is "
            "read from neurological_exam.extensor_plantar_response. An emergency is read as "
            "calling for an immediate referral to the general practitioner, instead of "
            "treatment."
        ),
    ),
    Rule(
        id="EMERGENCY.REFER.SAFETY_NET_SIGNS",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Saddle numbness or increasing leg weakness: refer immediately",
        quote=(
            "Be alert to emergency indications in patients with LRS, in the form of signs of a "
            "serious neurological problem.",
            "Advise the patient with LRS to immediately contact the general practitioner in "
            "the event of:",
            "saddle numbness;",
            "increasing loss of muscle strength in the legs.",
        ),
        when=SAFETY_NET_SIGN,
        then=refer(Urgency.IMMEDIATE, _INSTEAD),
        note=(
            "This goes beyond the literal text, on purpose. The text names saddle numbness and "
            "increasing loss of leg strength as signs for which an LRS patient must contact the "
            "GP immediately (safety-net advice for later), and asks the therapist to be alert "
            "to emergency indications. The spec reads their presence at a consultation as a "
            "sign of a serious neurological problem that calls for an immediate referral, for "
            "any patient, whatever the working diagnosis; the design lists them among the "
            "neurological emergency signs."
        ),
    ),
    Rule(
        id="LRS.REFER.SEVERE",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="LRS with severe motor deficit or severe pain: refer to the GP",
        quote=(
            "Refer the patient with LRS and severe motor deficit (MRC score ≤ 3 out of 5), "
            "and/or severe pain (NPRS ≥ 8) to the general practitioner.",
        ),
        when=SEVERE_LRS,
        then=refer(Urgency.NOT_STATED, _INSTEAD),
        note=(
            "The text states no urgency, so none is invented (not_stated); where the motor "
            "deficit is also a sign of a neurological emergency, the resolution "
            "RES.MOST_URGENT_REFERRAL makes it immediate. The MRC grade is that of the weakest "
            "key muscle. The referral replaces the treatment: the same sentence separates these "
            "patients from the 'other patients with LRS' who are checked and treated."
        ),
    ),
    Rule(
        id="LRS.RECHECK",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Other LRS patients: check once more after two to four days",
        quote=(
            "Check other patients with LRS after two to four days and act according to the "
            "recommendations in this guideline.",
        ),
        when=flag("lrs") & ~REFERRED_INSTEAD_OF_TREATMENT & ~flag("lrs_diagnosed_earlier"),
        then=[sets("recheck_after_days", Window(2, 4))],
        note=(
            "The sentence closes the neurological examination row: after the examination that "
            "establishes (suspected) LRS, the patient who is not referred is checked once "
            "more, two to four days later. It is one check, advised at the consultation where "
            "LRS becomes the working diagnosis (the initial one, or the follow-up where "
            "lrs_diagnosed_earlier is false), not at every consultation. 'Other patients' are "
            "those not referred instead of treatment (for severe LRS, a red flag, an emergency "
            "sign, or at a follow-up for persisting complaints); a referral about the "
            "medication dose goes alongside treatment and keeps the check. After the check the "
            "patient is followed as the guideline says ('act according to the recommendations'): "
            "the profile's re-evaluation and the evaluation of LRS in weeks 6 to 8 of the "
            "complaints (EVAL.LRS.WINDOW)."
        ),
    ),
    Rule(
        id="NEURO.EXAM",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Suspected LRS: perform the neurological examination",
        quote=(
            "In the event of suspected LRS, for example with symptoms underneath the knee, "
            "perform a neurological examination on the patient:",
            "examination of the pain distribution (connected or not connected to the "
            "dermatome), and",
            "examination of the fingertips-to-floor distance when bending forward with "
            "straight knees (positive if the distance is > 25 cm), and",
            "the Lasègue test (passive 'straight leg raise'), the crossed Lasègue test or the "
            "reversed Lasègue test, and",
            "examination of the muscle strength ('Medical Research Council' of the key "
            "muscles), and",
            "examination of the vital and gnostic sensibility (connected or not connected to "
            "the dermatome), and",
            "examination of the reflexes (Achilles tendon, knee tendon, soles of the feet).",
        ),
        when=flag("lrs") | flag("symptoms_below_knee"),
        then=add(f"{_EXAM}.components", *ExamComponent),
        note=(
            "LRS is suspected when it is the working diagnosis or when symptoms go below the "
            "knee (the example the text gives)."
        ),
    ),
    Rule(
        id="NEURO.FINDING.DERMATOMAL_PAIN",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Pain distribution connected to a dermatome",
        quote=(
            "examination of the pain distribution (connected or not connected to the "
            "dermatome), and",
        ),
        when=flag("neurological_exam.dermatomal_pain"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.PAIN_DISTRIBUTION),
    ),
    Rule(
        id="NEURO.FINDING.FINGERTIP_FLOOR",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Fingertip-to-floor distance above 25 cm is positive",
        quote=(
            "examination of the fingertips-to-floor distance when bending forward with "
            "straight knees (positive if the distance is > 25 cm), and",
        ),
        when=cmp("neurological_exam.fingertip_floor_cm", ">", 25),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.FINGERTIP_FLOOR_DISTANCE),
        note="Strictly above 25 cm: 25 cm itself is negative.",
    ),
    Rule(
        id="NEURO.FINDING.LASEGUE",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="A positive Lasègue, crossed or reversed Lasègue test",
        quote=(
            "the Lasègue test (passive 'straight leg raise'), the crossed Lasègue test or the "
            "reversed Lasègue test, and",
        ),
        when=flag("neurological_exam.lasegue")
        | flag("neurological_exam.crossed_lasegue")
        | flag("neurological_exam.reversed_lasegue"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.LASEGUE_TESTS),
    ),
    Rule(
        id="NEURO.FINDING.MUSCLE_STRENGTH",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Reduced strength of a key muscle",
        quote=(
            "examination of the muscle strength ('Medical Research Council' of the key "
            "muscles), and",
        ),
        when=cmp("neurological_exam.mrc_lowest", "<=", 4),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.MUSCLE_STRENGTH),
        note="MRC grade 5 is normal strength; any lower grade of a key muscle is a finding.",
    ),
    Rule(
        id="NEURO.FINDING.SENSIBILITY",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Dermatomal loss of sensibility",
        quote=(
            "examination of the vital and gnostic sensibility (connected or not connected to "
            "the dermatome), and",
        ),
        when=flag("neurological_exam.dermatomal_sensory_loss"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.SENSIBILITY),
    ),
    Rule(
        id="NEURO.FINDING.REFLEXES",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Abnormal reflexes: a diminished tendon reflex or an extensor plantar response",
        quote=("examination of the reflexes (Achilles tendon, knee tendon, soles of the feet).",),
        when=flag("neurological_exam.diminished_tendon_reflexes")
        | flag("neurological_exam.extensor_plantar_response"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.REFLEXES),
        note=(
            "The Achilles and knee tendon reflexes are abnormal when diminished (nerve root "
            "involvement); the reflex of the sole of the foot is abnormal as an extensor "
            "(Babinski) response, a pyramidal sign that also makes the referral immediate "
            "(EMERGENCY.REFER). A plantar reflex is never recorded as diminished."
        ),
    ),
    Rule(
        id="LRS.CHARACTERISATION",
        section=Section.LRS,
        title="Findings that suggest LRS without a working diagnosis of LRS",
        quote=(
            "LRS is characterised by pain in the buttocks and/or sciatica into the leg, "
            "accompanied by one or more complaints or symptoms that are suggestive of a "
            "condigion of a specifica sumbosacral nerve root, such as tingling sensations "
            "(paraesthesia) and neurological loss of function (hypoesthesia/hypalgesia, "
            "paresis, diminished reflexes).",
        ),
        when=~flag("lrs")
        & (flag("symptoms_below_knee") | flag("neurological_exam.dermatomal_pain"))
        & (
            flag("neurological_exam.dermatomal_sensory_loss")
            | flag("neurological_exam.diminished_tendon_reflexes")
            | cmp("neurological_exam.mrc_lowest", "<=", 4)
        ),
        then=add("warnings", AdviceWarning.FINDINGS_SUGGEST_LRS),
        note=(
            "'condigion of a specifica sumbosacral nerve root' is read as 'condition of a "
            "specific lumbosacral nerve root'. LRS stays the therapist's working diagnosis; "
            "the spec only warns when leg symptoms (below the knee or dermatomal) come with "
            "neurological loss of function (sensory loss, diminished tendon reflexes or paresis, "
            "MRC at most 4) and LRS was not diagnosed."
        ),
    ),
)
